"""Writes to the catalog: seeding, and the summary that the home page reads."""

from collections import Counter

from django.conf import settings

from cloudshelf.dynamo import utcnow
from cloudshelf.tables import covers_bucket_ensure, tables_create
from store.covers import cover_key, cover_store, generated_cover
from store.models import Book, CatalogSummary, FeaturedBook
from store.sample_catalog import SEED_TIMESTAMP, sample_books
from store.search.models import SearchEntry
from store.search.services import search_index_books, search_index_rebuild

FEATURED_COUNT = 8


def catalog_bootstrap():
    """Every start on a laptop: create any missing table (older local data may lack a newer
    one); on the first start, also the bucket and the sample catalog. A store saved before
    search existed gets its books indexed."""
    created = {name for name, outcome in tables_create() if "created" in outcome}
    if CatalogSummary.count(CatalogSummary.KEY[0]) > 0:
        if SearchEntry.Meta.table_name in created:
            search_index_rebuild()
            return True
        return False
    covers_bucket_ensure()
    catalog_seed()
    return True


def catalog_seed(*, dry_run=False):
    """Load the seed's books and the sample catalog, each with a generated cover.
    Returns ``(written, unchanged)``; a second run writes nothing."""
    wanted = []
    for sample in sample_books():
        book = _book_from_sample(sample)
        content = generated_cover(book.title, book.author)
        book.image_key = cover_key(book.book_id, content)
        wanted.append((book, content))
    keys = [(book.category, book.book_id) for book, _ in wanted]
    existing = {(b.category, b.book_id): b for b in Book.batch_get(keys)}
    changed = [b for b, _ in wanted if _differs(existing.get((b.category, b.book_id)), b)]
    if dry_run:
        return len(changed), len(wanted) - len(changed)
    if settings.LOCALAWS:
        covers_bucket_ensure()
    for book, content in wanted:
        cover_store(book.image_key, content)
    with Book.batch_write() as batch:
        for book in changed:
            batch.save(book)
    if changed or not _summary_exists():
        catalog_summary_rebuild()
    search_index_books(books=[book for book, _ in wanted])
    return len(changed), len(wanted) - len(changed)


def _book_from_sample(sample):
    return Book(**sample, created_at=SEED_TIMESTAMP, updated_at=SEED_TIMESTAMP)


def _differs(stored, wanted):
    return stored is None or stored.serialize() != wanted.serialize()


def _summary_exists():
    return CatalogSummary.count(CatalogSummary.KEY[0]) > 0


def catalog_summary_rebuild():
    """Recount the categories and pick the featured books. Reads the whole table, so it
    runs from commands and staff actions, never on a shopper's request."""
    counts, candidates = Counter(), []
    for book in Book.scan():
        if book.category.startswith("~") or book.hidden:
            continue
        counts[book.category] += 1
        if book.stock_quantity > 0:
            candidates.append(book)
    # The newest in-stock books, and the seed's own first: a stable, sensible selection.
    candidates.sort(
        key=lambda b: (b.book_id.endswith("-001"), b.updated_at, b.book_id), reverse=True
    )
    summary = CatalogSummary(
        categories=dict(sorted(counts.items())),
        featured=[
            FeaturedBook(
                category=b.category,
                book_id=b.book_id,
                title=b.title,
                author=b.author,
                price=b.price,
                image_key=b.image_key,
            )
            for b in candidates[:FEATURED_COUNT]
        ],
        updated_at=utcnow(),
    )
    summary.save()
    return summary
