"""Reads for the sitemaps: the categories from the catalog summary (one GetItem) and a
category's books from Query pages of that category (never a Scan)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from store.catalog import selectors as catalog
from store.catalog.models import Book

MAX_URLS = 50_000  # a sitemap holds at most this many URLs (sitemaps.org)
QUERY_PAGE_SIZE = 1000


@dataclass(frozen=True)
class SitemapBook:
    category: str
    book_id: str
    updated_at: datetime | None


def sitemap_categories() -> list[str]:
    """The categories the store shows (the home page's one read)."""
    summary = catalog.catalog_summary_get()
    if summary is None:
        return []
    return sorted(name for name, count in summary.categories.as_dict().items() if count)


def sitemap_books(category: str, limit: int | None = None) -> Iterator[SitemapBook]:
    """The category's shown books, key order, read with Query pages of the same key the
    category page uses, only the attributes a sitemap needs. Unlisted books are left out;
    at most ``limit`` (the protocol's 50,000 URLs) are given."""
    limit = MAX_URLS if limit is None else limit
    if not catalog.category_is_valid(category):
        return
    # Title and price only so that Book.listed can tell a book with neither (put in from
    # the console) from one shown: a Query is charged for whole items either way.
    results = Book.query(
        category,
        page_size=QUERY_PAGE_SIZE,
        attributes_to_get=["category", "book_id", "updated_at", "hidden", "title", "price"],
    )
    shown = 0
    for book in results:
        if not book.listed:
            continue
        yield SitemapBook(book.category, book.book_id, book.updated_at)
        shown += 1
        if shown >= limit:
            return
