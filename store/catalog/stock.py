"""Stock adjustments.

An adjustment is an atomic increment (UpdateItem ADD) written in one transaction with its
audit entry. The entry records the resulting stock, and a transaction returns no values,
so the increment is conditioned on the stock read just before: if anyone (staff or an
order) changed it meanwhile, the transaction is refused and the adjustment is tried again
on the new value. Two adjustments at once therefore both count, and the stock never goes
below zero. The low-stock list follows the stock through the stream (projections.py)."""

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from accounts.models import User
from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.dynamo_errors import (
    failed_actions,
    is_conflict,
    retry_pause,
)
from cloudshelf.errors import ApplicationError
from store.audit.models import AuditEntry, book_subject
from store.catalog.models import Book

MAX_ATTEMPTS = 25


class NotEnoughStock(ApplicationError):
    message = "There is not enough stock to remove that many."


class BookGone(ApplicationError):
    message = "This book no longer exists."


class StockBusy(ApplicationError):
    message = "The stock of this book is changing fast; please try again."


def book_stock_adjust(
    *, category: str, book_id: str, delta: int, reason: str, actor: User
) -> AuditEntry:
    """Add ``delta`` (negative to remove) to a book's stock. Returns the audit entry."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            book = Book.get(category, book_id, consistent_read=True)
        except Book.DoesNotExist as error:
            raise BookGone() from error
        # Stock the store cannot read (typed into the console as words) counts from zero.
        unreadable = "stock_quantity" in book.unreadable
        before = 0 if unreadable else book.stock_quantity
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
                change, condition = _stock_change(before, delta, unreadable=unreadable)
                tx.update(
                    book,
                    actions=[change, Book.updated_at.set(now)],
                    condition=condition,
                    name="book",
                )
                tx.save(entry, name="audit")
        except TransactWriteError as error:
            if not (failed_actions(error) or is_conflict(error)):
                raise
            retry_pause(attempt)
            continue
        return entry
    raise StockBusy()


def _stock_change(before: int, delta: int, *, unreadable: bool) -> tuple[Action, Condition]:
    """The update and its condition: add ``delta`` to the stock read as ``before``, or set
    it to ``delta`` over a value that was not a number and still is not."""
    stock = Book.stock_quantity
    if unreadable:
        return stock.set(delta), ~stock.is_type()
    return stock.add(delta), (stock == before) & (stock >= max(-delta, 0))


# Items per Scan request: each answer stays well inside the read timeout, even from the
# emulator, which takes about 1 ms an item to answer.
SCAN_PAGE_SIZE = 1000
