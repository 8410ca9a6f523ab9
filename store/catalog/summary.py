"""The catalog summary (store.catalog.models.CatalogSummary): what it counts, which books
it features, and its full rebuild from the books table.

The catalog-summary projection (store/catalog/projections.py) keeps it right after each
change of a book; ``catalog_summary_rebuild`` recounts everything, for ``manage.py
rebuild_projections catalog-summary`` and the rare change the projection cannot place."""

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TypeGuard

from cloudshelf.dynamo import utcnow
from store.catalog.models import (
    RESERVED_CATEGORY_PREFIX,
    Book,
    CatalogMember,
    CatalogSummary,
    FeaturedBook,
    member_key,
)

FEATURED_COUNT = 8
SCAN_PAGE_SIZE = 1000
_NEVER = datetime.min.replace(tzinfo=UTC)


def is_counted(book: Book | None) -> TypeGuard[Book]:
    """A book the home page counts: it exists, is a book and is not hidden."""
    return (
        book is not None and not book.category.startswith(RESERVED_CATEGORY_PREFIX) and book.listed
    )


def is_featurable(book: Book | None) -> TypeGuard[Book]:
    return book is not None and is_counted(book) and (book.stock_quantity or 0) > 0


def featured_rank(entry: Book | FeaturedBook) -> tuple:
    """Higher first: the seed's own first books, then the newest, then by key."""
    return (
        entry.book_id.endswith("-001"),
        entry.updated_at or _NEVER,
        entry.book_id,
        entry.category,
    )


def featured_entry(book: Book) -> FeaturedBook:
    return FeaturedBook(
        category=book.category,
        book_id=book.book_id,
        title=book.title,
        author=book.author,
        price=book.price,
        image_key=book.image_key,
        updated_at=book.updated_at,
    )


def featured_pick(entries: Iterable[FeaturedBook]) -> list[FeaturedBook]:
    """The FEATURED_COUNT best-ranked of ``entries``."""
    return sorted(entries, key=featured_rank, reverse=True)[:FEATURED_COUNT]


def featured_same(a: list[FeaturedBook], b: list[FeaturedBook]) -> bool:
    return [e.as_dict() for e in a] == [e.as_dict() for e in b]


def catalog_summary_read() -> CatalogSummary | None:
    """The summary as it is now (one consistent GetItem), or None."""
    try:
        return CatalogSummary.get(*CatalogSummary.KEY, consistent_read=True)
    except CatalogSummary.DoesNotExist:
        return None


def catalog_summary_rebuild(
    *, dry_run: bool = False, progress: Callable[[int], object] | None = None
) -> int:
    """Recount the categories from a consistent Scan of the books table, rewrite the
    membership markers to match, and pick the featured books. Returns how many items it
    wrote (or would write); a second run writes none. Runs from commands and the
    projection's rare fallbacks, never on a shopper's request."""
    counts: Counter[str] = Counter()
    candidates: list[FeaturedBook] = []
    members: set[str] = set()
    for book in Book.scan(consistent_read=True, page_size=SCAN_PAGE_SIZE):
        if progress:
            progress(1)
        if not is_counted(book):
            continue
        counts[book.category] += 1
        members.add(member_key(book.category, book.book_id))
        if is_featurable(book):
            candidates.append(featured_entry(book))
    kept = {m.sk for m in CatalogMember.query(CatalogMember.PK, consistent_read=True)}
    featured = featured_pick(candidates)
    current = catalog_summary_read()
    summary_stale = (
        current is None
        or current.categories.as_dict() != dict(counts)
        or not featured_same(list(current.featured), featured)
    )
    written = len(members ^ kept) + summary_stale
    if dry_run:
        return written
    with CatalogMember.batch_write() as batch:
        for sk in members - kept:
            batch.save(CatalogMember(sk=sk))
        for sk in kept - members:
            batch.delete(CatalogMember(sk=sk))
    if summary_stale:
        CatalogSummary(
            categories=dict(sorted(counts.items())),
            featured=featured,
            featured_version=(current.featured_version or 0) + 1 if current else 1,
            updated_at=utcnow(),
        ).save()
    return written
