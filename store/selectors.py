"""Reads of the catalog. Each selector costs a known, small number of DynamoDB requests."""

import re
import string

from store.models import RESERVED_CATEGORY_PREFIX, Book, CatalogSummary
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


def catalog_summary_get():
    """The home page's one read: categories and featured books, or None."""
    try:
        return CatalogSummary.get(*CatalogSummary.KEY)
    except CatalogSummary.DoesNotExist:
        return None


def category_is_valid(category):
    return (
        bool(category)
        and not category.startswith(RESERVED_CATEGORY_PREFIX)
        and len(category) <= 100
    )


def category_books_page(*, category, page_token=None, page_size=24):
    """One page of a category's books (one Query). Returns ``(books, next_token)``;
    raises InvalidPageToken for a token that is not ours."""
    start_key = decode_page_token(page_token, scope=f"category:{category}")
    results = Book.query(
        category, limit=page_size, page_size=page_size, last_evaluated_key=start_key
    )
    books = [book for book in results if not book.hidden]
    next_token = encode_page_token(results.last_evaluated_key, scope=f"category:{category}")
    return books, next_token


def book_get(*, category, book_id):
    """A book the store shows (one GetItem), or None."""
    if not category_is_valid(category):
        return None
    try:
        book = Book.get(category, book_id)
    except Book.DoesNotExist:
        return None
    return None if book.hidden else book


def _title_variants(query):
    """The ways a shopper's typing may match a stored title exactly, most likely first."""
    typed = " ".join(query.split())
    words = typed.lower().split(" ")
    headline = " ".join(
        w if i and w in SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )
    variants = [typed, headline, string.capwords(typed), typed.title()]
    return list(dict.fromkeys(v for v in variants if v))


def books_with_title(query):
    """Books whose title is exactly ``query``, ignoring case for the usual capitalisations,
    through TitleSearchIndex: one Query per variant tried, four at most."""
    query = re.sub(r"\s+", " ", query or "").strip()[:200]
    if not query:
        return []
    for variant in _title_variants(query):
        books = [book for book in Book.title_index.query(variant, limit=50) if not book.hidden]
        if books:
            return books
    return []
