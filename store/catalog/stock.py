"""Stock adjustments.

An adjustment is an atomic increment (UpdateItem ADD) written in one transaction with its
audit entry. The entry records the resulting stock, and a transaction returns no values,
so the increment is conditioned on the stock read just before: if anyone (staff or an
order) changed it meanwhile, the transaction is refused and the adjustment is tried again
on the new value. Two adjustments at once therefore both count, and the stock never goes
below zero.

The low-stock watch list: which books were last seen at or under LOW_STOCK_THRESHOLD, kept
in one item beside the books (StockWatch) so that the dashboard needs no Scan."""

from django.conf import settings
from pynamodb.exceptions import TransactWriteError, UpdateError

from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.dynamo_errors import (
    failed_actions,
    is_conditional_failure,
    is_conflict,
    retry_pause,
)
from cloudshelf.errors import ApplicationError
from store.audit.models import AuditEntry, book_subject
from store.catalog.models import RESERVED_CATEGORY_PREFIX, Book, StockWatch

MAX_ATTEMPTS = 25


class NotEnoughStock(ApplicationError):
    message = "There is not enough stock to remove that many."


class BookGone(ApplicationError):
    message = "This book no longer exists."


class StockBusy(ApplicationError):
    message = "The stock of this book is changing fast; please try again."


def book_stock_adjust(*, category, book_id, delta, reason, actor):
    """Add ``delta`` (negative to remove) to a book's stock. Returns the audit entry."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            book = Book.get(category, book_id, consistent_read=True)
        except Book.DoesNotExist as error:
            raise BookGone() from error
        before = book.stock_quantity
        if before + delta < 0:
            raise NotEnoughStock(f"Only {before} in stock: cannot remove {-delta}.")
        now = utcnow()
        entry = AuditEntry.new(
            subject=book_subject(category, book_id),
            action="stock.adjust",
            actor=actor,
            at=now,
            reason=reason,
            delta=delta,
            stock_before=before,
            stock_after=before + delta,
        )
        try:
            with transaction() as tx:
                tx.update(
                    book,
                    actions=[Book.stock_quantity.add(delta), Book.updated_at.set(now)],
                    condition=(Book.stock_quantity == before)
                    & (Book.stock_quantity >= max(-delta, 0)),
                    name="book",
                )
                tx.save(entry, name="audit")
        except TransactWriteError as error:
            if not (failed_actions(error) or is_conflict(error)):
                raise
            retry_pause(attempt)
            continue
        # Stock is not in the search index: nothing to tell it (store/search/services.py).
        stock_watch_note({(category, book_id): before + delta})
        return entry
    raise StockBusy()


WATCH_ACTIONS_PER_UPDATE = 50
# Items per Scan request: each answer stays well inside the read timeout, even from the
# emulator, which takes about 1 ms an item to answer.
SCAN_PAGE_SIZE = 1000


def is_low(stock):
    return stock is not None and stock <= settings.LOW_STOCK_THRESHOLD


def watch_key(category, book_id):
    return f"{category}#{book_id}"


def stock_watch_note(levels):
    """Tell the watch list the current stock of some books: ``{(category, book_id):
    stock}``, None for a book that is gone. Low ones are listed, others dropped.
    One UpdateItem per 50 books. Order services may call this after a sale."""
    actions = [
        StockWatch.books[watch_key(*key)].set(stock)
        if is_low(stock)
        else StockWatch.books[watch_key(*key)].remove()
        for key, stock in levels.items()
    ]
    now = utcnow()
    for start in range(0, len(actions), WATCH_ACTIONS_PER_UPDATE):
        chunk = actions[start : start + WATCH_ACTIONS_PER_UPDATE] + [
            StockWatch.updated_at.set(now)
        ]
        try:
            StockWatch().update(actions=chunk, condition=StockWatch.books.exists())
        except UpdateError as error:
            if not is_conditional_failure(error):
                raise
            # No watch list yet: a recount makes it, and sees these books as they are.
            stock_watch_recount()
            return


def stock_watch_recount():
    """Rebuild the watch list from the whole books table: one Scan (reading every book,
    about 0.5 KB each), started by staff from the dashboard or after a missing list."""
    low = {}
    for book in Book.scan(
        attributes_to_get=["category", "book_id", "stock_quantity"], page_size=SCAN_PAGE_SIZE
    ):
        if not book.category.startswith(RESERVED_CATEGORY_PREFIX) and is_low(book.stock_quantity):
            low[watch_key(book.category, book.book_id)] = book.stock_quantity
    now = utcnow()
    watch = StockWatch(books=low, counted_at=now, updated_at=now)
    watch.save()
    return watch
