"""Reads of the catalog, for shoppers and staff. Each selector costs a known, small number
of DynamoDB requests; none scans the whole table on a page view except the staff book
list's "All categories", which reads at most 2,000 items a page."""

import re
import string
from typing import Any

from django.conf import settings
from pynamodb.expressions.condition import Condition

from store.catalog.models import RESERVED_CATEGORY_PREFIX, Book, CatalogSummary, LowStockBook
from store.catalog.validators import isbn_normalize
from store.pagination import decode_page_token, encode_page_token

SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "but",
    "by",
    "for",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
}
FILTERED_READ_SIZE = 200  # items evaluated per request when a filter is on
MAX_REQUESTS_PER_PAGE = 10
LOW_STOCK_LIMIT = 500  # books the dashboard lists at most


def catalog_summary_get() -> CatalogSummary | None:
    """The home page's one read: categories and featured books, or None."""
    try:
        return CatalogSummary.get(*CatalogSummary.KEY)
    except CatalogSummary.DoesNotExist:
        return None


def category_is_valid(category: str | None) -> bool:
    return (
        bool(category)
        and not str(category).startswith(RESERVED_CATEGORY_PREFIX)
        and len(str(category)) <= 100
    )


def category_books_page(
    *, category: str, page_token: str | None = None, page_size: int = 24
) -> tuple[list[Book], str | None]:
    """One page of a category's books (one Query). Returns ``(books, next_token)``;
    raises InvalidPageToken for a token that is not ours."""
    start_key = decode_page_token(page_token, scope=f"category:{category}")
    results = Book.query(
        category, limit=page_size, page_size=page_size, last_evaluated_key=start_key
    )
    books = [book for book in results if book.listed]
    next_token = encode_page_token(results.last_evaluated_key, scope=f"category:{category}")
    return books, next_token


def book_get(*, category: str, book_id: str) -> Book | None:
    """A book the store shows (one GetItem), or None."""
    if not category_is_valid(category):
        return None
    try:
        book = Book.get(category, book_id)
    except Book.DoesNotExist:
        return None
    return book if book.listed else None


def title_variants(query: str) -> list[str]:
    """The ways a shopper's typing may match a stored title exactly, most likely first."""
    typed = " ".join(query.split())
    words = typed.lower().split(" ")
    headline = " ".join(
        w if i and w in SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )
    variants = [typed, headline, string.capwords(typed), typed.title()]
    return list(dict.fromkeys(v for v in variants if v))


def books_with_title(query: str | None) -> list[Book]:
    """Books whose title is exactly ``query``, ignoring case for the usual capitalisations,
    through TitleSearchIndex: one Query per variant tried, four at most."""
    query = re.sub(r"\s+", " ", query or "").strip()[:200]
    if not query:
        return []
    for variant in title_variants(query):
        books = [book for book in Book.title_index.query(variant, limit=50) if book.listed]
        if books:
            return books
    return []


def category_list() -> list[str]:
    """Category names from the catalog summary (one GetItem)."""
    summary = catalog_summary_get()
    return list(summary.categories.as_dict()) if summary else []


def book_get_any(*, category: str, book_id: str) -> Book | None:
    """A book, hidden or not (one consistent GetItem), or None."""
    if not category or category.startswith(RESERVED_CATEGORY_PREFIX):
        return None
    try:
        return Book.get(category, book_id, consistent_read=True)
    except Book.DoesNotExist:
        return None


def _book_filter(text: str, low_only: bool) -> Condition:
    condition = ~Book.category.startswith(RESERVED_CATEGORY_PREFIX)
    if low_only:
        condition &= Book.stock_quantity <= settings.LOW_STOCK_THRESHOLD
    if text:
        matches = Book.isbn == isbn_normalize(text)
        for variant in title_variants(text):
            matches |= Book.title.contains(variant) | Book.author.contains(variant)
        condition &= matches
    return condition


def book_list_page(
    *,
    category: str,
    text: str = "",
    low_only: bool = False,
    page_token: str | None = None,
    page_size: int = 50,
) -> tuple[list[Book], str | None]:
    """Up to ``page_size`` books of a category (Query) or, for ``category=""``, of all
    categories (Scan, the staff list's "All categories"), filtered in DynamoDB. A page
    makes at most MAX_REQUESTS_PER_PAGE requests and may hold fewer books than asked
    when a filter leaves few; ``(books, token)``, ``token`` None after the last page."""
    scope = f"staff-books:{category}:{text}:{int(low_only)}"
    start_key = decode_page_token(page_token, scope=scope)
    filtered = bool(text or low_only or not category)
    read_size = FILTERED_READ_SIZE if filtered else page_size
    options: dict[str, Any] = {
        "filter_condition": _book_filter(text, low_only),
        "page_size": read_size,
        "last_evaluated_key": start_key,
    }
    results = Book.query(category, **options) if category else Book.scan(**options)
    pages, books = results.page_iter, []
    for requests, page in enumerate(pages, start=1):
        for raw in page.get("Items", []):
            books.append(Book.from_raw_data(raw))
            if len(books) == page_size:
                last = {"category": raw["category"], "book_id": raw["book_id"]}
                return books, encode_page_token(last, scope=scope)
        if requests >= MAX_REQUESTS_PER_PAGE:
            break
    return books, encode_page_token(pages.last_evaluated_key, scope=scope)


def low_stock_list(*, limit: int = LOW_STOCK_LIMIT) -> list[LowStockBook]:
    """The books low on stock, fewest copies first (one Query of the low-stock projection's
    items: each has the book's key, title and stock)."""
    items = LowStockBook.query(LowStockBook.PK, limit=limit, page_size=limit)
    return sorted(items, key=lambda item: (item.stock_quantity, item.title, item.sk))
