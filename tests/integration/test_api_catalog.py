"""The JSON API's catalog endpoints, against the emulator."""

import pytest
from django.conf import settings

from store.catalog import summary
from store.catalog.models import Book
from tests.conftest import sign_in


@pytest.fixture
def catalog(indexed_seed_books):
    summary.catalog_summary_rebuild()
    return indexed_seed_books


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


# --- Categories and books ------------------------------------------------------------------


def test_categories_lists_names_with_book_counts(client, catalog):
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    assert response.json()["categories"] == [
        {
            "name": name,
            "book_count": 1,
            "url": f"/category/{name}/",
            "books_url": f"/api/v1/categories/{name}/books",
        }
        for name in ("Business", "Fiction", "Technology")
    ]


def test_categories_of_an_empty_store_is_an_empty_list(client, tables):
    assert client.get("/api/v1/categories").json() == {"categories": []}


def test_category_books_lists_its_books(client, catalog):
    books = client.get("/api/v1/categories/Technology/books").json()["books"]
    assert [(b["book_id"], b["title"], b["price"]) for b in books] == [
        ("tech-001", "Clean Code", "42.99")
    ]


def test_category_books_follow_their_tokens_to_the_end(client, make_book):
    titles = {make_book(category="Poetry", title=f"Poem {n}").title for n in range(7)}
    seen, params = [], {"page_size": 3}
    for _ in range(5):
        body = client.get("/api/v1/categories/Poetry/books", params).json()
        seen += [book["title"] for book in body["books"]]
        if not body["next_page_token"]:
            break
        params = {"page_size": 3, "page_token": body["next_page_token"]}
    assert sorted(seen) == sorted(titles)


def test_unknown_category_is_a_json_404(client, tables):
    assert_error(client.get("/api/v1/categories/Nowhere/books"), 404, "not_found")


def test_reserved_category_is_a_json_404(client, catalog):
    assert_error(client.get("/api/v1/categories/~catalog/books"), 404, "not_found")


@pytest.mark.parametrize("token", ["garbage", "A" * 5000])
def test_tampered_page_token_is_a_400_naming_the_field(client, catalog, token):
    error = assert_error(
        client.get("/api/v1/categories/Technology/books", {"page_token": token}),
        400,
        "invalid_page_token",
    )
    assert "page_token" in error["fields"]


@pytest.mark.parametrize("size", ["0", "101", "ten", "-1", "٣", ""])
def test_invalid_page_size_is_a_400_naming_the_field(client, catalog, size):
    error = assert_error(
        client.get("/api/v1/categories/Technology/books", {"page_size": size}),
        400,
        "invalid_request",
    )
    assert set(error["fields"]) == {"page_size"}


def test_book_has_every_detail_with_money_as_a_string(client, catalog):
    body = client.get("/api/v1/books/Technology/tech-001").json()
    assert body == {
        "category": "Technology",
        "book_id": "tech-001",
        "title": "Clean Code",
        "author": "Robert C. Martin",
        "price": "42.99",
        "currency": "USD",
        "stock_status": "in_stock",
        "cover_url": "/static/img/no-cover.svg",
        "url": "/books/Technology/tech-001/",
        "api_url": "/api/v1/books/Technology/tech-001",
        "isbn": "9780132350884",
        "description": "A handbook of agile software craftsmanship",
        "stock_quantity": 25,
        "created_at": "2025-09-05T10:00:00Z",
        "updated_at": "2025-09-05T10:00:00Z",
    }


@pytest.mark.parametrize("stock,status", [(0, "sold_out"), (3, "low_stock"), (40, "in_stock")])
def test_book_says_its_stock_status(client, make_book, stock, status):
    book = make_book(stock_quantity=stock)
    body = client.get(f"/api/v1/books/{book.category}/{book.book_id}").json()
    assert body["stock_status"] == status


def test_hidden_book_is_a_json_404(client, make_book):
    book = make_book(hidden=True)
    assert_error(client.get(f"/api/v1/books/{book.category}/{book.book_id}"), 404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/books/Technology/tech-999",
        "/api/v1/books/Nowhere/tech-001",
        "/api/v1/books/Technology/" + "x" * 2000,
    ],
)
def test_unknown_book_is_a_json_404(client, catalog, path):
    assert_error(client.get(path), 404, "not_found")


def test_books_by_exact_title_use_the_title_index(client, catalog, dynamodb_requests):
    body = client.get("/api/v1/books", {"title": "clean code"}).json()
    assert [b["book_id"] for b in body["books"]] == ["tech-001"]
    assert set(dynamodb_requests) == {"Query"}


def test_books_by_title_needs_a_title(client, catalog):
    error = assert_error(client.get("/api/v1/books"), 400, "invalid_request")
    assert set(error["fields"]) == {"title"}


# --- Search --------------------------------------------------------------------------------


def test_search_finds_books_by_the_start_of_words(client, catalog):
    body = client.get("/api/v1/search", {"q": "fitzger"}).json()
    assert body["query"] == "fitzger"
    assert [b["title"] for b in body["books"]] == ["The Great Gatsby"]
    assert body["next_page_token"] is None


def test_search_pages_follow_their_tokens(client, make_indexed_book):
    titles = {make_indexed_book(title=f"Poem {n}").title for n in range(5)}
    first = client.get("/api/v1/search", {"q": "poem", "page_size": 3}).json()
    second = client.get(
        "/api/v1/search", {"q": "poem", "page_size": 3, "page_token": first["next_page_token"]}
    ).json()
    assert {b["title"] for b in first["books"] + second["books"]} == titles


def test_search_with_no_match_is_an_empty_list(client, catalog):
    assert client.get("/api/v1/search", {"q": "zzyzx"}).json()["books"] == []


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}])
def test_search_needs_a_reasonable_query(client, catalog, params):
    error = assert_error(client.get("/api/v1/search", params), 400, "invalid_request")
    assert set(error["fields"]) == {"q"}


def test_search_token_of_another_query_is_a_400(client, make_indexed_book):
    for n in range(3):
        make_indexed_book(title=f"Poem {n}")
    token = client.get("/api/v1/search", {"q": "poem", "page_size": 1}).json()["next_page_token"]
    assert_error(
        client.get("/api/v1/search", {"q": "test", "page_token": token}), 400, "invalid_page_token"
    )


# --- Costs, caching and sessions -----------------------------------------------------------


@pytest.mark.parametrize(
    "path,params,cost",
    [
        ("/api/v1/categories", {}, {"GetItem": 1}),
        ("/api/v1/categories/Technology/books", {}, {"Query": 1}),
        ("/api/v1/books/Technology/tech-001", {}, {"GetItem": 1}),
        ("/api/v1/search", {"q": "clean"}, {"Query": 2, "BatchGetItem": 1}),
    ],
)
def test_catalog_answers_cost_what_their_pages_cost(
    client, catalog, dynamodb_requests, path, params, cost
):
    assert client.get(path, params).status_code == 200
    assert dict(dynamodb_requests) == cost


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/categories",
        "/api/v1/categories/Technology/books",
        "/api/v1/books/Technology/tech-001",
        "/api/v1/search?q=clean",
        "/api/v1/openapi.json",
    ],
)
def test_catalog_answers_are_cacheable_by_cloudfront(client, catalog, path):
    response = client.get(path)
    assert response["Cache-Control"] == (
        f"public, max-age={settings.API_CACHE_SECONDS}, s-maxage={settings.API_CACHE_SECONDS}"
    )
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_catalog_answers_read_no_session_even_for_a_signed_in_shopper(
    client, catalog, make_user, dynamodb_requests
):
    sign_in(client, make_user())
    dynamodb_requests.clear()
    response = client.get("/api/v1/books/Technology/tech-001")
    assert dict(dynamodb_requests) == {"GetItem": 1}
    assert not response.cookies


def test_errors_are_not_cached(client, tables):
    assert client.get("/api/v1/categories/Nowhere/books")["Cache-Control"] == "no-store"


# --- Errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_url_under_api_is_a_json_404(client, tables, method):
    response = getattr(client, method)("/api/v1/no/such/thing")
    assert_error(response, 404, "not_found")


def test_api_root_without_version_is_a_json_404(client, tables):
    assert_error(client.get("/api/"), 404, "not_found")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_wrong_method_is_a_json_405_with_allow(client, catalog, method):
    response = getattr(client, method)("/api/v1/categories")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD"


def test_dynamodb_down_is_a_json_503(client, catalog, monkeypatch):
    monkeypatch.setattr(Book.Meta, "host", "http://127.0.0.1:9")
    monkeypatch.setattr(Book, "_connection", None)
    response = client.get("/api/v1/books/Technology/tech-001")
    assert_error(response, 503, "service_unavailable")
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"


def test_a_bug_is_a_json_500_without_a_traceback(client, catalog, monkeypatch):
    from store.catalog import selectors

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "book_get", broken)
    response = client.get("/api/v1/books/Technology/tech-001")
    error = assert_error(response, 500, "internal_error")
    assert "a bug" not in error["message"] and "Traceback" not in response.content.decode()
