"""Seeding the catalog: the sample books on a first start.

Seeding writes the books only: the home page's counts and featured books, the search index
and the low-stock list follow through the stream, as for a book added in the console
(locally the serving process delivers it within a second)."""

from django.conf import settings

from cloudshelf.streams.local import stream_skip
from cloudshelf.streams.projections import projections_all
from cloudshelf.tables import covers_bucket_ensure, tables_create
from store.catalog.covers import cover_key, cover_store, generated_cover
from store.catalog.models import RESERVED_CATEGORY_PREFIX, Book, CatalogMember
from store.catalog.projections import low_stock_rebuild
from store.catalog.summary import catalog_summary_rebuild
from store.sample_catalog import SEED_TIMESTAMP, sample_books
from store.search.models import SearchEntry
from store.search.services import search_index_rebuild


def catalog_bootstrap() -> bool:
    """Every start on a laptop: create any missing table (older local data may lack a newer
    one); on the first start, also the bucket and the sample catalog. A store saved before
    a projection's table existed gets it rebuilt. Returns True when anything was written."""
    created = {name for name, outcome in tables_create() if "created" in outcome}
    if _store_has_books():
        rebuilt = False
        if not _members_exist():  # saved before the stream kept the catalog's figures
            catalog_summary_rebuild()
            low_stock_rebuild()
            rebuilt = True
        if SearchEntry.Meta.table_name in created:
            search_index_rebuild()
            rebuilt = True
        return rebuilt
    covers_bucket_ensure()
    catalog_seed()
    # Delivering the sample books' stream records would keep the serving process busy for
    # most of a minute, during which a book put in from the console waits its turn. A
    # first start should show them at once, so the records so far are noted as read and
    # the books' projections rebuilt from the table, which holds every one of them.
    stream_skip(Book.Meta.table_name)
    for projection in projections_all():
        if projection.table_name == Book.Meta.table_name and projection.rebuild:
            projection.rebuild(dry_run=False)
    return True


def catalog_seed(*, dry_run: bool = False) -> tuple[int, int]:
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
    return len(changed), len(wanted) - len(changed)


def _book_from_sample(sample):
    return Book(**sample, created_at=SEED_TIMESTAMP, updated_at=SEED_TIMESTAMP)


def _differs(stored, wanted):
    return stored is None or stored.serialize() != wanted.serialize()


def _store_has_books():
    books = Book.scan(~Book.category.startswith(RESERVED_CATEGORY_PREFIX), page_size=25)
    return next(iter(books), None) is not None


def _members_exist():
    return any(True for _ in CatalogMember.query(CatalogMember.PK, limit=1))
