"""Catalog text reads as it is shown: no bidi control characters, no replacement
characters, no bytes that are not UTF-8 (the staff form, the import; the JSON API writes
no catalog text)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.urls import reverse

from store.catalog.models import Book
from tests.integration.test_staff_books import NEW_BOOK
from tests.integration.test_staff_import import HEADER, run_import, write

SPOOFED = "Clean Code \u202eedoC\u202c"


@pytest.mark.parametrize("character", ["\u202e", "\u2067", "\u200f", "\u061c"])
def test_staff_form_refuses_a_title_with_bidi_controls(staff_client, tables, character):
    response = staff_client.post(
        reverse("staff:book-create"), {**NEW_BOOK, "title": f"Leaves{character} of Grass"}
    )
    assert response.status_code == 400
    assert "invisible text-direction characters" in response.content.decode()
    assert not list(Book.query("Poetry"))


def test_staff_form_refuses_replacement_characters(staff_client, tables):
    response = staff_client.post(
        reverse("staff:book-create"), {**NEW_BOOK, "author": "Walt Whitm\ufffdn"}
    )
    assert response.status_code == 400 and "U+FFFD" in response.content.decode()


def test_import_refuses_a_row_with_bidi_controls(tmp_path, tables):
    row = f"Poetry,poe-001,{SPOOFED},Someone,9780140421996,1.00,1,\n"
    _, err = run_import(write(tmp_path, "books.csv", HEADER + row))
    assert "Line 2: title: Remove the invisible text-direction characters (U+202C, U+202E)" in err
    assert not list(Book.query("Poetry"))


def test_import_of_bytes_that_are_not_utf8_is_a_clear_error(tmp_path, tables):
    path = tmp_path / "books.csv"
    row = "Poetry,poe-001,Caf\xe9,Someone,9780140421996,1.00,1,\n".encode("latin-1")
    path.write_bytes(HEADER.encode() + row)
    with pytest.raises(CommandError, match="line 2 holds bytes that are not UTF-8"):
        run_import(str(path))


def test_uploaded_bytes_that_are_not_utf8_are_a_clear_400(staff_client, tables):
    row = "Poetry,poe-001,Caf\xe9,Someone,9780140421996,1.00,1,\n".encode("latin-1")
    response = staff_client.post(
        reverse("staff:book-import"),
        {"file": SimpleUploadedFile("books.csv", HEADER.encode() + row, "text/csv")},
    )
    assert response.status_code == 400
    assert "line 2 holds bytes that are not UTF-8" in response.content.decode()
