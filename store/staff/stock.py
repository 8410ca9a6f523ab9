"""Stock adjustments.

An adjustment is an atomic increment (UpdateItem ADD) written in one transaction with its
audit entry. The entry records the resulting stock, and a transaction returns no values,
so the increment is conditioned on the stock read just before: if anyone (staff or an
order) changed it meanwhile, the transaction is refused and the adjustment is tried again
on the new value. Two adjustments at once therefore both count, and the stock never goes
below zero."""

import random
import time

from pynamodb.exceptions import TransactWriteError

from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.errors import ApplicationError
from store.models import Book
from store.staff.models import AuditEntry, book_subject
from store.staff.watch import stock_watch_note

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
                )
                tx.save(entry)
        except TransactWriteError as error:
            codes = {r.code for r in (error.cancellation_reasons or []) if r}
            if not codes & {"ConditionalCheckFailed", "TransactionConflict"}:
                raise
            time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
            continue
        # Stock is not in the search index: nothing to tell it (store/search/services.py).
        stock_watch_note({(category, book_id): before + delta})
        return entry
    raise StockBusy()
