"""The word-search index follows every change of a book (DynamoDB Streams), whoever wrote
it: the staff pages, an import, the seed or the DynamoDB console.

Each record re-reads the book as it is now and hands it to the index's idempotent services
(store/search/services.py), so a duplicate, late or out-of-order record changes nothing
more. A change of price or stock touches nothing searchable and is skipped."""

from collections.abc import Callable

from cloudshelf.streams.projections import Projection
from cloudshelf.streams.records import Change
from store.catalog.models import Book
from store.catalog.projections import book_current, is_book_change
from store.search.services import search_index_book, search_index_rebuild, search_unindex_book

SEARCHED_FIELDS = ("category", "book_id", "title", "author", "hidden")


def search_index_apply(change: Change) -> None:
    """Index the book as it is now (a hidden one is taken out), or unindex it if gone."""
    book = book_current(change)
    if book is None:
        search_unindex_book(book=Book(change.keys["category"], change.keys["book_id"]))
    else:
        search_index_book(book=book)


def search_index_wants(change: Change) -> bool:
    return is_book_change(change) and change.changed(*SEARCHED_FIELDS)


def search_index_rebuild_all(
    *, dry_run: bool = False, progress: Callable[[int], object] | None = None
) -> int:
    """The whole index from the books table (``search_index_rebuild``): returns how many
    books and orphan entries it changed (or would change)."""
    report = search_index_rebuild(dry_run=dry_run)
    if progress:
        progress(report.indexed + report.removed + report.unchanged)
    return report.indexed + report.removed + report.orphans


search_index = Projection(
    name="search-index",
    table_setting="BOOKS_TABLE_NAME",
    apply=search_index_apply,
    rebuild=search_index_rebuild_all,
    wants=search_index_wants,
    description="the word-search index of the books' titles and authors",
)
