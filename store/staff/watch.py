"""The low-stock watch list: which books were last seen at or under LOW_STOCK_THRESHOLD,
kept in one item beside the books so that the dashboard needs no Scan."""

from django.conf import settings
from pynamodb.exceptions import UpdateError

from cloudshelf.dynamo import utcnow
from store.models import RESERVED_CATEGORY_PREFIX, Book
from store.staff.models import StockWatch

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
        except UpdateError:
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
