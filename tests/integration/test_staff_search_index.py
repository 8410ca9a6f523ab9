"""Staff changes reach the search index through the stream (store/search/projections.py):
the staff services no longer write it themselves."""

import io

from django.core.management import call_command
from django.urls import reverse

from cloudshelf.streams.local import deliver_pending
from store.catalog.models import Book

NEW_BOOK = {
    "category": "Poetry",
    "book_id": "poe-001",
    "title": "Leaves of Grass",
    "author": "Walt Whitman",
    "isbn": "9780140421996",
    "price": "14.50",
    "stock_quantity": "12",
    "description": "",
    "image_url": "",
}


def found(client, query):
    """What a shopper finds once the stream is delivered."""
    deliver_pending()
    response = client.get("/search/", {"q": query})
    return [(b.category, b.book_id) for b in response.context["books"]]


def edit(staff_client, book, **changes):
    data = {
        "category": book.category,
        "title": book.title,
        "author": book.author,
        "isbn": book.isbn,
        "price": str(book.price),
        "description": book.description,
        "image_url": book.image_url or "",
        **changes,
    }
    return staff_client.post(
        reverse("staff:book-detail", args=[book.category, book.book_id]), data
    )


def test_a_book_added_by_staff_can_be_searched(staff_client, client, streams):
    staff_client.post(reverse("staff:book-create"), NEW_BOOK)
    assert found(client, "leaves") == [("Poetry", "poe-001")]


def test_a_new_title_is_found_and_the_old_one_is_not(staff_client, client, streams):
    staff_client.post(reverse("staff:book-create"), NEW_BOOK)
    edit(staff_client, Book.get("Poetry", "poe-001"), title="Song of Myself")
    assert found(client, "song") == [("Poetry", "poe-001")]
    assert found(client, "leaves") == []


def test_a_hidden_book_is_not_found_until_shown_again(staff_client, client, streams):
    staff_client.post(reverse("staff:book-create"), NEW_BOOK)
    url = reverse("staff:book-visibility", args=["Poetry", "poe-001"])
    staff_client.post(url, {"hidden": "1"})
    assert found(client, "whitman") == []
    staff_client.post(url, {"hidden": "0"})
    assert found(client, "whitman") == [("Poetry", "poe-001")]


def test_a_moved_book_is_found_under_its_new_category(staff_client, client, streams):
    staff_client.post(reverse("staff:book-create"), NEW_BOOK)
    edit(staff_client, Book.get("Poetry", "poe-001"), category="Classics")
    assert found(client, "leaves") == [("Classics", "poe-001")]


def test_imported_books_can_be_searched(client, tmp_path, streams):
    path = tmp_path / "books.csv"
    path.write_text(
        "category,book_id,title,author,isbn,price,stock_quantity\n"
        "Poetry,poe-002,Ariel,Sylvia Plath,9780060931223,13.99,3\n"
    )
    call_command("import_books", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert found(client, "plath") == [("Poetry", "poe-002")]
