"""The shopper's catalog pages, against the emulator."""

from decimal import Decimal

import pytest
from django.urls import reverse

from store.catalog import selectors, summary
from store.catalog.models import Book


@pytest.fixture
def catalog(seed_books):
    summary.catalog_summary_rebuild()
    return seed_books


def test_home_lists_categories_and_featured_books(client, catalog):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    for category in ("Fiction", "Technology", "Business"):
        assert f'href="/category/{category}/"' in body
    assert "Clean Code" in body


def test_home_costs_the_summary_and_the_cards_ratings(client, catalog, dynamodb_requests):
    client.get("/")
    assert dict(dynamodb_requests) == {"BatchGetItem": 2}  # summary and lists; cards' ratings


def test_category_page_lists_its_books(client, catalog):
    response = client.get(reverse("store:category", args=["Technology"]))
    assert response.status_code == 200
    assert "Clean Code" in response.content.decode()
    assert "The Great Gatsby" not in response.content.decode()


def test_category_page_costs_a_query_and_the_cards_ratings(client, catalog, dynamodb_requests):
    client.get(reverse("store:category", args=["Technology"]))
    assert dict(dynamodb_requests) == {"Query": 1, "BatchGetItem": 1}


def test_unknown_category_is_404(client, tables):
    assert client.get("/category/Nonexistent/").status_code == 404


def test_reserved_category_is_404(client, catalog):
    assert client.get("/category/~catalog/").status_code == 404


def test_category_pages_follow_their_tokens_to_the_end(client, make_book, settings):
    settings.CATALOG_PAGE_SIZE = 4
    titles = {make_book(category="Poetry", title=f"Poem {n}").title for n in range(10)}
    seen, url = [], "/category/Poetry/"
    for _ in range(5):
        response = client.get(url)
        assert response.status_code == 200
        seen += [b.title for b in response.context["books"]]
        token = response.context["next_token"]
        if not token:
            break
        url = f"/category/Poetry/?page={token}"
    assert sorted(seen) == sorted(titles)


@pytest.mark.parametrize("token", ["garbage", "eyJrZXkiOnt9fQ:1u:abc", "' OR 1=1", "A" * 3000])
def test_tampered_page_token_is_400_not_500(client, catalog, token):
    response = client.get("/category/Technology/", {"page": token})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_token_from_another_category_is_400(client, make_book, settings):
    settings.CATALOG_PAGE_SIZE = 1
    make_book(category="Poetry")
    make_book(category="Poetry")
    token = client.get("/category/Poetry/").context["next_token"]
    assert client.get("/category/Technology/", {"page": token}).status_code == 400


def test_book_page_shows_every_detail(client, catalog):
    response = client.get(reverse("store:book-detail", args=["Technology", "tech-001"]))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Clean Code",
        "Robert C. Martin",
        "9780132350884",
        "$42.99",
        "In stock",
        "A handbook of agile software craftsmanship",
    ):
        assert text in body


def test_book_page_costs_two_dynamodb_requests(client, catalog, dynamodb_requests):
    client.get(reverse("store:book-detail", args=["Technology", "tech-001"]))
    # the book; its rating summary and "also bought" (one BatchGetItem)
    assert dict(dynamodb_requests) == {"GetItem": 1, "BatchGetItem": 1}


@pytest.mark.parametrize("stock,label", [(0, "Sold out"), (3, "Only 3 left"), (40, "In stock")])
def test_book_page_shows_stock_state(client, make_book, stock, label):
    book = make_book(stock_quantity=stock)
    response = client.get(reverse("store:book-detail", args=[book.category, book.book_id]))
    assert label in response.content.decode()


def test_unknown_book_is_404(client, catalog):
    assert client.get("/books/Technology/tech-999/").status_code == 404
    assert client.get("/books/Nowhere/tech-001/").status_code == 404


def test_hidden_book_is_404(client, make_book):
    book = make_book(hidden=True)
    assert client.get(f"/books/{book.category}/{book.book_id}/").status_code == 404


def test_prices_are_decimal_end_to_end(catalog):
    book = Book.get("Technology", "tech-001")
    assert isinstance(book.price, Decimal) and book.price == Decimal("42.99")


@pytest.mark.parametrize("typed", ["Clean Code", "clean code", "CLEAN CODE", "  clean   code "])
def test_exact_title_lookup_through_title_search_index_ignores_case(catalog, typed):
    # The seed's own lookup (TitleSearchIndex, hash key title) still answers; the search
    # page itself is tested in test_search.py.
    assert [b.book_id for b in selectors.books_with_title(typed)] == ["tech-001"]


def test_exact_title_lookup_finds_nothing_for_an_unknown_title(catalog):
    assert selectors.books_with_title("No Such Title") == []


def test_cover_is_served_from_storage(client, tables):
    from store.catalog.covers import cover_key, cover_store, generated_cover

    content = generated_cover("Dune", "Frank Herbert")
    key = cover_store(cover_key("sci-999", content), content)
    response = client.get(reverse("store:cover", args=[key]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    "key", ["covers/missing.jpg", "secrets/x.jpg", "covers/../x.jpg", "covers/page.html"]
)
def test_unknown_or_unsafe_cover_is_404(client, tables, key):
    assert client.get(f"/media/{key}").status_code == 404


def test_pages_have_the_sites_404_look(client, tables):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_dynamodb_down_gives_a_friendly_503(client, catalog, monkeypatch):
    monkeypatch.setattr(Book.Meta, "host", "http://127.0.0.1:9")
    monkeypatch.setattr(Book, "_connection", None)
    response = client.get("/books/Technology/tech-001/")
    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()
    assert "Traceback" not in response.content.decode()
