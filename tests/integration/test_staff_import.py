"""Bulk import and export: bad rows reported by line, idempotent, round trip."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from store.audit.models import IMPORT_SUBJECT, AuditEntry, book_subject
from store.catalog.models import Book, CatalogSummary

HEADER = "category,book_id,title,author,isbn,price,stock_quantity,description\n"
GOOD_ROWS = [
    "Poetry,poe-001,Leaves of Grass,Walt Whitman,9780140421996,14.50,12,Poems\n",
    "Poetry,poe-002,Ariel,Sylvia Plath,9780060931223,13.99,3,\n",
    (
        'Science,sci-900,"Cosmos, Revisited",Carl Sagan,9780345539434,19.99,20,"A tour\n'
        'of the universe"\n'
    ),
]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_books", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored_items():
    return sorted(
        str(sorted(b.serialize().items())) for b in Book.scan() if not b.category.startswith("~")
    )


def test_import_adds_every_good_row(tmp_path, tables):
    out, _ = run_import(write(tmp_path, "books.csv", HEADER + "".join(GOOD_ROWS)))
    assert "3 rows: added 3, updated 0, 0 unchanged, 0 bad" in out
    assert Book.get("Science", "sci-900").description == "A tour\nof the universe"


def test_bad_rows_are_reported_by_line_and_good_rows_still_imported(tmp_path, tables):
    text = (
        HEADER
        + GOOD_ROWS[0]
        + "Poetry,poe-003,Bad Isbn,Someone,9780140421995,10.00,1,\n"  # line 3
        + GOOD_ROWS[1]
        + "Poetry,poe-004,Bad Price,Someone,9780060931223,free,1,\n"  # line 5
        + "Poetry,poe-001,Duplicate,Someone,9780140421996,1.00,1,\n"  # line 6
        + "Poetry,poe-005,Too,Many,9780060931223,1.00,1,,extra\n"
    )  # line 7
    out, err = run_import(write(tmp_path, "books.csv", text))
    assert "Line 3: isbn:" in err
    assert "Line 5: price:" in err
    assert "Line 6: the same book as line 2" in err
    assert "Line 7 has more values than the header" in err
    assert "added 2" in out and "4 bad" in out
    assert {b.book_id for b in Book.query("Poetry")} == {"poe-001", "poe-002"}


def test_bad_row_line_numbers_count_multiline_records(tmp_path, tables):
    text = HEADER + GOOD_ROWS[2] + "Poetry,poe-003,X,Y,123,1.00,1,\n"
    _, err = run_import(write(tmp_path, "books.csv", text))
    assert "Line 4: isbn:" in err


def test_import_twice_changes_nothing_the_second_time(tmp_path, tables):
    path = write(tmp_path, "books.csv", HEADER + "".join(GOOD_ROWS))
    run_import(path)
    before = stored_items()
    out, _ = run_import(path)
    assert "added 0, updated 0, 3 unchanged" in out
    assert stored_items() == before


def test_import_updates_a_changed_book_and_audits_it(tmp_path, tables):
    run_import(write(tmp_path, "a.csv", HEADER + GOOD_ROWS[0]))
    out, _ = run_import(write(tmp_path, "b.csv", HEADER + GOOD_ROWS[0].replace(",12,", ",40,")))
    assert "updated 1" in out
    assert Book.get("Poetry", "poe-001").stock_quantity == 40
    entries = list(AuditEntry.query(book_subject("Poetry", "poe-001"), scan_index_forward=False))
    assert entries[0].action == "book.import"
    assert entries[0].change_map == {"stock_quantity": [12, 40]}


def test_import_run_is_audited(tmp_path, tables):
    run_import(write(tmp_path, "books.csv", HEADER + "".join(GOOD_ROWS)))
    [entry] = AuditEntry.query(IMPORT_SUBJECT)
    assert entry.change_map["created"] == [None, 3]


def test_import_keeps_catalog_counts_right(tmp_path, seed_books, streams):
    streams.deliver()
    run_import(write(tmp_path, "books.csv", HEADER + "".join(GOOD_ROWS)))
    streams.deliver()
    counts = CatalogSummary.get(*CatalogSummary.KEY).categories.as_dict()
    assert counts == {"Business": 1, "Fiction": 1, "Poetry": 2, "Science": 1, "Technology": 1}


def test_dry_run_writes_nothing(tmp_path, tables):
    out, _ = run_import(write(tmp_path, "books.csv", HEADER + "".join(GOOD_ROWS)), "--dry-run")
    assert "would add 3" in out
    assert stored_items() == []


def test_jsonl_is_imported_too(tmp_path, tables):
    line = json.dumps(
        {
            "category": "Poetry",
            "book_id": "poe-001",
            "title": "Ariel",
            "author": "Sylvia Plath",
            "isbn": "9780060931223",
            "price": 13.99,
            "stock_quantity": 3,
        }
    )
    out, err = run_import(write(tmp_path, "books.jsonl", line + "\n{oops\n[1]\n"))
    assert "added 1" in out
    assert "Line 2 is not valid JSON" in err and "Line 3 is not a JSON object" in err


def test_unknown_file_type_is_a_clear_error(tmp_path, tables):
    with pytest.raises(CommandError, match="--format"):
        run_import(write(tmp_path, "books.txt", HEADER))


def test_missing_columns_are_a_clear_error(tmp_path, tables):
    with pytest.raises(CommandError, match="lacks isbn"):
        run_import(
            write(tmp_path, "books.csv", "category,book_id,title,author,price,stock_quantity\n")
        )


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_then_import_changes_nothing(tmp_path, seed_books, make_book, fmt):
    make_book(
        book_id="key-001",
        hidden=True,
        image_key="covers/key-001-0123456789ab.jpg",
        description='Line one\nLine two, "q"',
    )
    make_book(stock_quantity=0, price="7.10", image_url="https://example.com/a.jpg")
    path = str(tmp_path / f"catalog.{fmt}")
    call_command("export_books", path, stdout=io.StringIO())
    before = stored_items()
    out, err = run_import(path)
    assert "added 0, updated 0, 5 unchanged, 0 bad" in out, err
    assert stored_items() == before


def test_export_writes_every_book_once(tmp_path, seed_books):
    path = tmp_path / "catalog.csv"
    call_command("export_books", str(path), stdout=io.StringIO())
    lines = path.read_text().splitlines()
    assert lines[0].startswith("category,book_id,title")
    assert [line.split(",")[1] for line in lines[1:]] == ["bus-001", "fic-001", "tech-001"]


def test_staff_upload_a_csv_from_the_books_page(staff_client, tables):
    text = HEADER + GOOD_ROWS[0] + "Poetry,poe-003,Bad Isbn,Someone,978,10.00,1,\n"
    response = staff_client.post(
        reverse("staff:book-import"),
        {"file": SimpleUploadedFile("books.csv", text.encode(), "text/csv")},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].created == 1
    assert "Line 3: isbn:" in body


def test_uploaded_file_that_is_not_csv_text_is_400(staff_client, tables):
    response = staff_client.post(
        reverse("staff:book-import"),
        {"file": SimpleUploadedFile("books.csv", b"\xff\xfe\x00garbage", "text/csv")},
    )
    assert response.status_code == 400


def test_upload_with_too_many_rows_is_refused_before_importing(staff_client, tables, settings):
    settings.IMPORT_UPLOAD_MAX_ROWS = 2
    response = staff_client.post(
        reverse("staff:book-import"),
        {
            "file": SimpleUploadedFile(
                "books.csv", (HEADER + "".join(GOOD_ROWS)).encode(), "text/csv"
            )
        },
    )
    assert response.status_code == 400
    assert "manage.py import_books" in response.content.decode()
    assert stored_items() == []


def test_image_key_of_another_book_is_refused(tmp_path, tables):
    header = HEADER.rstrip("\n") + ",image_key\n"
    rows = (
        "Poetry,poe-001,Mine,Someone,9780140421996,1.00,1,,covers/poe-001-0123456789ab.jpg\n"
        "Poetry,poe-002,Theirs,Someone,9780060931223,1.00,1,,covers/tech-001-0123456789ab.jpg\n"
        "Poetry,poe-003,None,Someone,9780060931223,1.00,1,,\n"
    )
    out, err = run_import(write(tmp_path, "books.csv", header + rows))
    assert "Line 3: image_key: covers/tech-001-0123456789ab.jpg is not a cover of poe-002" in err
    assert "added 2" in out
    assert Book.get("Poetry", "poe-001").image_key == "covers/poe-001-0123456789ab.jpg"


def test_unterminated_quote_is_reported_as_a_broken_line(tmp_path, tables):
    text = HEADER + GOOD_ROWS[0] + 'Poetry,poe-003,"Unclosed,Someone,9780060931223,1.00,1,\n'
    out, err = run_import(write(tmp_path, "books.csv", text))
    assert "Line 3 is a broken line: a quoted value is never closed" in err
    assert "author" not in err and "isbn" not in err
    assert "added 1" in out
