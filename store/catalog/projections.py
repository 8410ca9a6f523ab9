"""What follows a change of a book (DynamoDB Streams, cloudshelf/streams/): the home page's
catalog summary and the dashboard's low-stock list.

Both re-read the book as it is now (a consistent GetItem by the record's keys) and make
their items match it, so a record delivered twice, late or out of order changes nothing
more. A record whose images show nothing either of them reads is skipped."""

from collections.abc import Callable
from typing import TypeGuard

from django.conf import settings
from pynamodb.exceptions import TransactWriteError, UpdateError

from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.dynamo_errors import (
    failed_actions,
    is_conditional_failure,
    is_conflict,
    retry_pause,
)
from cloudshelf.streams.projections import Projection
from cloudshelf.streams.records import Change, image_number
from store.catalog.models import (
    RESERVED_CATEGORY_PREFIX,
    Book,
    CatalogMember,
    CatalogSummary,
    LowStockBook,
    member_key,
)
from store.catalog.summary import (
    FEATURED_COUNT,
    SCAN_PAGE_SIZE,
    catalog_summary_read,
    catalog_summary_rebuild,
    featured_entry,
    featured_pick,
    featured_rank,
    featured_same,
    is_counted,
    is_featurable,
)

MAX_ATTEMPTS = 10
KEY_FIELDS = ("category", "book_id")
SUMMARY_FIELDS = (
    *KEY_FIELDS,
    "hidden",
    "stock_quantity",
    "title",
    "author",
    "price",
    "image_key",
    "updated_at",
)


class SummaryChanged(Exception):
    """The summary changed between our read and our write: read again."""


def is_book_change(change: Change) -> bool:
    return not change.keys.get("category", "").startswith(RESERVED_CATEGORY_PREFIX)


def book_current(change: Change) -> Book | None:
    """The changed book as it is now (one consistent GetItem), or None if it is gone."""
    try:
        return Book.get(change.keys["category"], change.keys["book_id"], consistent_read=True)
    except Book.DoesNotExist:
        return None


# --- catalog-summary ----------------------------------------------------------------------


def _membership_apply(summary: CatalogSummary, category: str, book_id: str, counted: bool) -> None:
    """Count the book in its category, or stop counting it: the marker and the count
    move in one transaction, each conditioned on what was read."""
    marker = CatalogMember(sk=member_key(category, book_id))
    try:
        CatalogMember.get(marker.pk, marker.sk, consistent_read=True)
        listed = True
    except CatalogMember.DoesNotExist:
        listed = False
    if counted == listed:
        return
    count = int(summary.categories.as_dict().get(category, 0))
    new_count = count + 1 if counted else count - 1
    path = CatalogSummary.categories[category]
    try:
        with transaction() as tx:
            if counted:
                tx.save(marker, condition=CatalogMember.sk.does_not_exist(), name="marker")
            else:
                tx.delete(marker, condition=CatalogMember.sk.exists(), name="marker")
            tx.update(
                summary,
                actions=[
                    path.set(new_count) if new_count > 0 else path.remove(),
                    CatalogSummary.updated_at.set(utcnow()),
                ],
                condition=CatalogSummary.categories.exists()
                & (path == count if count else path.does_not_exist()),
                name="summary",
            )
    except TransactWriteError as error:
        if failed_actions(error) or is_conflict(error):
            raise SummaryChanged() from error
        raise


def _featured_apply(summary: CatalogSummary, book: Book | None, key: tuple[str, str]) -> None:
    """Put the book in the featured list, refresh it there or take it out. When a featured
    book drops out of a full list, the next in line is unknown: a rebuild finds it."""
    old = list(summary.featured)
    was = next((e for e in old if (e.category, e.book_id) == key), None)
    entry = featured_entry(book) if is_featurable(book) else None
    dropped = was is not None and (entry is None or featured_rank(entry) < featured_rank(was))
    if dropped and len(old) >= FEATURED_COUNT:
        catalog_summary_rebuild()
        return
    wanted = featured_pick([e for e in old if e is not was] + ([entry] if entry else []))
    if featured_same(wanted, old):
        return
    version = summary.featured_version or 0
    try:
        summary.update(
            actions=[
                CatalogSummary.featured.set(wanted),
                CatalogSummary.featured_version.set(version + 1),
                CatalogSummary.updated_at.set(utcnow()),
            ],
            condition=CatalogSummary.featured_version == version
            if summary.featured_version is not None
            else CatalogSummary.featured_version.does_not_exist(),
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            raise SummaryChanged() from error
        raise


def catalog_summary_apply(change: Change) -> None:
    """Make the summary's count and featured list agree with the book as it is now."""
    key = (change.keys["category"], change.keys["book_id"])
    for attempt in range(MAX_ATTEMPTS):
        book = book_current(change)
        summary = catalog_summary_read()
        if summary is None:  # a new store: count everything once
            catalog_summary_rebuild()
            return
        try:
            _membership_apply(summary, *key, counted=is_counted(book))
            _featured_apply(summary, book, key)
            return
        except SummaryChanged:
            retry_pause(attempt)
    raise SummaryChanged(f"the catalog summary kept changing under {key}")


def catalog_summary_wants(change: Change) -> bool:
    return is_book_change(change) and change.changed(*SUMMARY_FIELDS)


catalog_summary = Projection(
    name="catalog-summary",
    table_setting="BOOKS_TABLE_NAME",
    apply=catalog_summary_apply,
    rebuild=catalog_summary_rebuild,
    wants=catalog_summary_wants,
    description="the home page's category counts and featured books",
)


# --- low-stock ----------------------------------------------------------------------------


def is_listed_low(book: Book | None) -> TypeGuard[Book]:
    """A book the dashboard lists as low on stock (hidden ones are left out)."""
    return is_counted(book) and (book.stock_quantity or 0) <= settings.LOW_STOCK_THRESHOLD


def _image_low(image: dict | None) -> bool:
    return (
        image is not None
        and not image.get("hidden")
        and image_number(image, "stock_quantity") <= settings.LOW_STOCK_THRESHOLD
    )


def low_stock_item(book: Book) -> LowStockBook:
    return LowStockBook(
        sk=member_key(book.category, book.book_id),
        category=book.category,
        book_id=book.book_id,
        title=book.title,
        stock_quantity=book.stock_quantity or 0,
    )


def low_stock_apply(change: Change) -> None:
    """List the book with its stock and title if it is low now, else drop it: one
    PutItem or DeleteItem, both idempotent."""
    book = book_current(change)
    if is_listed_low(book):
        low_stock_item(book).save()
    else:
        LowStockBook(sk=member_key(change.keys["category"], change.keys["book_id"])).delete()


def low_stock_wants(change: Change) -> bool:
    """Only a change from or to a low, visible state can move the list (or its figures)."""
    return is_book_change(change) and (_image_low(change.old) or _image_low(change.new))


def low_stock_rebuild(
    *, dry_run: bool = False, progress: Callable[[int], object] | None = None
) -> int:
    """Relist every low book from a consistent Scan of the books table; drop the others.
    Returns how many items it wrote (or would write)."""
    wanted = {}
    for book in Book.scan(consistent_read=True, page_size=SCAN_PAGE_SIZE):
        if progress:
            progress(1)
        if is_listed_low(book):
            item = low_stock_item(book)
            wanted[item.sk] = item
    kept = {item.sk: item for item in LowStockBook.query(LowStockBook.PK, consistent_read=True)}
    stale = [
        item for sk, item in wanted.items() if _item_values(kept.get(sk)) != _item_values(item)
    ]
    gone = [item for sk, item in kept.items() if sk not in wanted]
    if not dry_run:
        with LowStockBook.batch_write() as batch:
            for item in stale:
                batch.save(item)
            for item in gone:
                batch.delete(item)
    return len(stale) + len(gone)


def _item_values(item: LowStockBook | None) -> tuple[str, int] | None:
    return (item.title, item.stock_quantity) if item else None


low_stock = Projection(
    name="low-stock",
    table_setting="BOOKS_TABLE_NAME",
    apply=low_stock_apply,
    rebuild=low_stock_rebuild,
    wants=low_stock_wants,
    description="the dashboard's books low on stock",
)
