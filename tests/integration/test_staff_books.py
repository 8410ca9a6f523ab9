"""Staff book pages: add, edit (with validation), move to another category, hide."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cloudshelf.streams.local import deliver_pending
from store.audit import selectors as audit_selectors
from store.audit.models import AuditEntry, book_subject
from store.catalog.models import Book, CatalogSummary

NEW_BOOK = {
    "category": "Poetry",
    "book_id": "poe-001",
    "title": "Leaves of Grass",
    "author": "Walt Whitman",
    "isbn": "978-0-14-042199-6",
    "price": "14.50",
    "stock_quantity": "12",
    "description": "Poems.",
    "image_url": "",
}


@pytest.fixture
def catalog(seed_books, streams):
    streams.deliver()
    return seed_books


def counts():
    """The home page's counts once the stream is delivered."""
    deliver_pending()
    return CatalogSummary.get(*CatalogSummary.KEY).categories.as_dict()


def detail_url(category, book_id, suffix=""):
    return reverse("staff:book-detail", args=[category, book_id]) + suffix


def test_staff_add_a_book_with_every_field(staff_client, catalog):
    response = staff_client.post(reverse("staff:book-create"), NEW_BOOK)
    assert response.status_code == 302
    book = Book.get("Poetry", "poe-001")
    assert (
        book.title,
        book.author,
        book.isbn,
        book.price,
        book.stock_quantity,
        book.description,
        book.image_url,
    ) == ("Leaves of Grass", "Walt Whitman", "9780140421996", Decimal("14.50"), 12, "Poems.", None)
    assert book.created_at == book.updated_at


def test_new_book_is_counted_in_the_catalog_summary(staff_client, catalog):
    staff_client.post(reverse("staff:book-create"), NEW_BOOK)
    assert counts()["Poetry"] == 1


def test_new_book_is_audited(staff_client, catalog):
    staff_client.post(reverse("staff:book-create"), NEW_BOOK)
    [entry] = AuditEntry.query(book_subject("Poetry", "poe-001"))
    assert entry.action == "book.create" and entry.actor_id == staff_client.user.user_id


def test_duplicate_book_id_is_a_form_error_not_an_overwrite(staff_client, catalog):
    response = staff_client.post(
        reverse("staff:book-create"), {**NEW_BOOK, "category": "Technology", "book_id": "tech-001"}
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Book.get("Technology", "tech-001").title == "Clean Code"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("isbn", "9780140421995", "valid ISBN"),
        ("isbn", "12345", "valid ISBN"),
        ("price", "0", "greater than or equal to 0.01"),
        ("price", "12.345", "no more than 2 decimal places"),
        ("price", "twelve", "Enter a number"),
        ("stock_quantity", "-1", "greater than or equal to 0"),
        ("category", "~catalog", "cannot start with"),
        ("category", "Sci/Fi", "cannot contain"),
        ("book_id", "a b", "Use letters"),
        ("title", "", "This field is required"),
        ("image_url", "not a url", "Enter a valid URL"),
    ],
)
def test_invalid_new_book_is_400_and_keeps_what_was_typed(
    staff_client, catalog, field, value, message
):
    response = staff_client.post(reverse("staff:book-create"), {**NEW_BOOK, field: value})
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert 'value="Walt Whitman"' in body
    assert not Book.count("Poetry")


def test_isbn10_with_x_check_digit_is_accepted(staff_client, catalog):
    response = staff_client.post(
        reverse("staff:book-create"), {**NEW_BOOK, "isbn": "0-8044-2957-X"}
    )
    assert response.status_code == 302
    assert Book.get("Poetry", "poe-001").isbn == "080442957X"


def test_edit_changes_the_fields_and_keeps_created_at(staff_client, catalog):
    book = Book.get("Technology", "tech-001")
    response = staff_client.post(
        detail_url("Technology", "tech-001"),
        {
            "category": "Technology",
            "title": "Clean Code (2nd ed.)",
            "author": book.author,
            "isbn": book.isbn,
            "price": "44.00",
            "description": book.description,
            "image_url": book.image_url,
        },
    )
    assert response.status_code == 302
    saved = Book.get("Technology", "tech-001")
    assert (saved.title, saved.price) == ("Clean Code (2nd ed.)", Decimal("44.00"))
    assert saved.created_at == book.created_at and saved.updated_at > book.updated_at
    assert saved.stock_quantity == book.stock_quantity


def test_edit_is_audited_with_old_and_new_values(staff_client, catalog):
    book = Book.get("Technology", "tech-001")
    staff_client.post(
        detail_url("Technology", "tech-001"),
        {
            "category": "Technology",
            "title": book.title,
            "author": book.author,
            "isbn": book.isbn,
            "price": "44.00",
            "description": book.description,
            "image_url": book.image_url,
        },
    )
    [entry] = AuditEntry.query(book_subject("Technology", "tech-001"))
    assert entry.action == "book.edit" and entry.change_map == {"price": ["42.99", "44.00"]}


def test_invalid_edit_is_400_keeps_input_and_changes_nothing(staff_client, catalog):
    response = staff_client.post(
        detail_url("Technology", "tech-001"),
        {
            "category": "Technology",
            "title": "Typed title",
            "author": "Robert C. Martin",
            "isbn": "9780132350885",
            "price": "-3",
            "description": "",
            "image_url": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="Typed title"' in body and "valid ISBN" in body
    assert Book.get("Technology", "tech-001").title == "Clean Code"


def test_edit_cannot_change_the_stock_or_the_id(staff_client, catalog):
    book = Book.get("Technology", "tech-001")
    staff_client.post(
        detail_url("Technology", "tech-001"),
        {
            "category": "Technology",
            "book_id": "evil-001",
            "title": book.title,
            "author": book.author,
            "isbn": book.isbn,
            "price": "42.99",
            "stock_quantity": "999",
            "description": "",
            "image_url": "",
        },
    )
    saved = Book.get("Technology", "tech-001")
    assert saved.stock_quantity == 25
    assert not Book.count("Technology", Book.book_id == "evil-001")


def test_moving_a_book_to_another_category_changes_its_key_in_one_go(staff_client, catalog):
    book = Book.get("Fiction", "fic-001")
    response = staff_client.post(
        detail_url("Fiction", "fic-001"),
        {
            "category": "Classics",
            "title": book.title,
            "author": book.author,
            "isbn": book.isbn,
            "price": "12.99",
            "description": book.description,
            "image_url": book.image_url,
        },
    )
    assert response["Location"] == detail_url("Classics", "fic-001")
    moved = Book.get("Classics", "fic-001")
    assert moved.stock_quantity == 50 and moved.created_at == book.created_at
    assert not Book.count("Fiction")


def test_moving_a_book_moves_the_category_counts(staff_client, catalog):
    book = Book.get("Fiction", "fic-001")
    staff_client.post(
        detail_url("Fiction", "fic-001"),
        {
            "category": "Classics",
            "title": book.title,
            "author": book.author,
            "isbn": book.isbn,
            "price": "12.99",
            "description": book.description,
            "image_url": book.image_url,
        },
    )
    assert counts() == {"Business": 1, "Classics": 1, "Technology": 1}


def test_moved_book_keeps_its_history(staff_client, catalog):
    book = Book.get("Fiction", "fic-001")
    staff_client.post(
        detail_url("Fiction", "fic-001", "stock/"), {"delta": "3", "reason": "found a box"}
    )
    staff_client.post(
        detail_url("Fiction", "fic-001"),
        {
            "category": "Classics",
            "title": book.title,
            "author": book.author,
            "isbn": book.isbn,
            "price": "12.99",
            "description": book.description,
            "image_url": book.image_url,
        },
    )
    trail = audit_selectors.book_audit_list(category="Classics", book_id="fic-001")
    assert [e.action for e in trail] == ["book.move", "stock.adjust"]


def test_move_onto_an_existing_book_is_refused(staff_client, catalog, make_book):
    make_book(category="Classics", book_id="fic-001", title="Someone else")
    book = Book.get("Fiction", "fic-001")
    response = staff_client.post(
        detail_url("Fiction", "fic-001"),
        {
            "category": "Classics",
            "title": book.title,
            "author": book.author,
            "isbn": book.isbn,
            "price": "12.99",
            "description": "",
            "image_url": "",
        },
    )
    assert response.status_code == 400
    assert Book.get("Classics", "fic-001").title == "Someone else"
    assert Book.get("Fiction", "fic-001").title == "The Great Gatsby"


def test_hidden_book_leaves_the_store_but_not_the_table(staff_client, client, catalog):
    staff_client.post(detail_url("Technology", "tech-001", "visibility/"), {"hidden": "1"})
    assert Book.get("Technology", "tech-001").hidden is True
    assert client.get("/books/Technology/tech-001/").status_code == 404


def test_hiding_the_last_book_of_a_category_removes_it_from_the_home_page(staff_client, catalog):
    staff_client.post(detail_url("Technology", "tech-001", "visibility/"), {"hidden": "1"})
    assert "Technology" not in counts()
    assert "tech-001" not in {f.book_id for f in CatalogSummary.get(*CatalogSummary.KEY).featured}


def test_unhidden_book_is_back_in_the_store_and_counted(staff_client, client, catalog):
    staff_client.post(detail_url("Technology", "tech-001", "visibility/"), {"hidden": "1"})
    staff_client.post(detail_url("Technology", "tech-001", "visibility/"), {"hidden": "0"})
    assert client.get("/books/Technology/tech-001/").status_code == 200
    assert counts()["Technology"] == 1


def test_hiding_twice_counts_once(staff_client, catalog):
    for _ in range(2):
        staff_client.post(detail_url("Technology", "tech-001", "visibility/"), {"hidden": "1"})
    assert counts() == {"Business": 1, "Fiction": 1}


def test_hide_and_unhide_are_audited(staff_client, catalog):
    staff_client.post(detail_url("Technology", "tech-001", "visibility/"), {"hidden": "1"})
    staff_client.post(detail_url("Technology", "tech-001", "visibility/"), {"hidden": "0"})
    trail = audit_selectors.book_audit_list(category="Technology", book_id="tech-001")
    assert [e.action for e in trail] == ["book.unhide", "book.hide"]


def test_book_page_shows_hidden_books_to_staff(staff_client, make_book):
    book = make_book(hidden=True, title="Secret Title")
    response = staff_client.get(detail_url(book.category, book.book_id))
    assert response.status_code == 200 and "Secret Title" in response.content.decode()


def test_unknown_book_page_is_404(staff_client, tables):
    assert staff_client.get(detail_url("Technology", "nope")).status_code == 404


def test_featured_book_edit_shows_on_the_home_page(staff_client, client, catalog):
    book = Book.get("Technology", "tech-001")
    staff_client.post(
        detail_url("Technology", "tech-001"),
        {
            "category": "Technology",
            "title": "Cleaner Code",
            "author": book.author,
            "isbn": book.isbn,
            "price": "42.99",
            "description": "",
            "image_url": "",
        },
    )
    assert "Cleaner Code" in client.get("/").content.decode()


def test_book_list_filters_by_category(staff_client, catalog):
    response = staff_client.get(reverse("staff:book-list"), {"category": "Business"})
    assert [b.book_id for b in response.context["books"]] == ["bus-001"]


def test_book_list_filters_by_text_in_any_case(staff_client, catalog):
    response = staff_client.get(reverse("staff:book-list"), {"category": "", "q": "gatsby"})
    assert [b.book_id for b in response.context["books"]] == ["fic-001"]


def test_book_list_finds_a_book_by_isbn(staff_client, catalog):
    response = staff_client.get(
        reverse("staff:book-list"), {"category": "", "q": "978-0-13-235088-4"}
    )
    assert [b.book_id for b in response.context["books"]] == ["tech-001"]


def test_book_list_filters_low_stock(staff_client, make_book):
    make_book(stock_quantity=2, book_id="low")
    make_book(stock_quantity=50, book_id="high")
    response = staff_client.get(
        reverse("staff:book-list"), {"category": "Technology", "low": "on"}
    )
    assert [b.book_id for b in response.context["books"]] == ["low"]


def test_book_list_pages_through_a_category(staff_client, make_book, settings):
    settings.STAFF_PAGE_SIZE = 3
    ids = {make_book(book_id=f"t-{n:02d}").book_id for n in range(7)}
    seen, params = [], {"category": "Technology"}
    for _ in range(4):
        response = staff_client.get(reverse("staff:book-list"), params)
        seen += [b.book_id for b in response.context["books"]]
        if not response.context["next_token"]:
            break
        params = {"category": "Technology", "page": response.context["next_token"]}
    assert sorted(seen) == sorted(ids)


def test_book_list_without_a_filter_shows_every_category_as_it_says(staff_client, catalog):
    response = staff_client.get(reverse("staff:book-list"))
    body = response.content.decode()
    assert {b.category for b in response.context["books"]} == {
        "Business",
        "Fiction",
        "Technology",
    }
    assert '<option value="" selected>All categories</option>' in body
    assert "Books in all categories" in body


def test_book_list_pages_through_all_categories_in_a_few_requests_a_page(
    staff_client, make_book, settings, dynamodb_requests
):
    from store.catalog.selectors import MAX_REQUESTS_PER_PAGE

    settings.STAFF_PAGE_SIZE = 2
    ids = {make_book(category=c, book_id=f"b-{c}-{n}").book_id for c in "ABC" for n in (1, 2)}
    seen, params = [], {}
    for _ in range(5):
        dynamodb_requests.clear()
        response = staff_client.get(reverse("staff:book-list"), params)
        # the session, the user, the catalog summary, then the page's own reads
        assert sum(dynamodb_requests.values()) <= 3 + MAX_REQUESTS_PER_PAGE
        seen += [b.book_id for b in response.context["books"]]
        if not response.context["next_token"]:
            break
        params = {"page": response.context["next_token"]}
    assert sorted(seen) == sorted(ids)


def test_book_list_leaves_the_store_search_box_alone(staff_client, catalog):
    body = staff_client.get(reverse("staff:book-list"), {"category": "Fiction"}).content.decode()
    assert 'id="search-q" type="search" name="q" value=""' in body


def test_price_is_kept_with_two_places(staff_client, catalog):
    staff_client.post(reverse("staff:book-create"), {**NEW_BOOK, "price": "14"})
    assert str(Book.get("Poetry", "poe-001").price) in ("14", "14.00")
    [entry] = AuditEntry.query(book_subject("Poetry", "poe-001"))
    assert entry.change_map["price"] == [None, "14.00"]
