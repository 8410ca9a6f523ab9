"""Staff reads. Each names its DynamoDB cost; none scans the whole table on a page view
except the book list's "All categories", which reads at most 2,000 items a page."""

from django.conf import settings

from accounts.selectors import user_get_by_email
from store.models import RESERVED_CATEGORY_PREFIX, Book, Order
from store.pagination import decode_page_token, encode_page_token
from store.selectors import _title_variants, catalog_summary_get
from store.staff.models import AuditEntry, StockWatch, book_subject, order_subject
from store.staff.validators import isbn_normalize
from store.staff.watch import is_low

FILTERED_READ_SIZE = 200  # items evaluated per request when a filter is on
MAX_REQUESTS_PER_PAGE = 10
AUDIT_LIMIT = 50
MAX_MOVES_FOLLOWED = 3
LOW_STOCK_CANDIDATES = 500  # books re-read for the dashboard: five BatchGetItems at most


def categories():
    """Category names from the catalog summary (one GetItem)."""
    summary = catalog_summary_get()
    return list(summary.categories.as_dict()) if summary else []


def book_get_any(*, category, book_id):
    """A book, hidden or not (one consistent GetItem), or None."""
    if not category or category.startswith(RESERVED_CATEGORY_PREFIX):
        return None
    try:
        return Book.get(category, book_id, consistent_read=True)
    except Book.DoesNotExist:
        return None


def _book_filter(text, low_only):
    condition = ~Book.category.startswith(RESERVED_CATEGORY_PREFIX)
    if low_only:
        condition &= Book.stock_quantity <= settings.LOW_STOCK_THRESHOLD
    if text:
        matches = Book.isbn == isbn_normalize(text)
        for variant in _title_variants(text):
            matches |= Book.title.contains(variant) | Book.author.contains(variant)
        condition &= matches
    return condition


def books_page(*, category, text="", low_only=False, page_token=None, page_size=50):
    """Up to ``page_size`` books of a category (Query) or of all (Scan), filtered in
    DynamoDB. A page makes at most MAX_REQUESTS_PER_PAGE requests; ``(books, token)``."""
    scope = f"staff-books:{category}:{text}:{int(low_only)}"
    start_key = decode_page_token(page_token, scope=scope)
    filtered = bool(text or low_only or not category)
    read_size = FILTERED_READ_SIZE if filtered else page_size
    options = {
        "filter_condition": _book_filter(text, low_only),
        "page_size": read_size,
        "last_evaluated_key": start_key,
    }
    results = Book.query(category, **options) if category else Book.scan(**options)
    pages, books = results.page_iter, []
    for requests, page in enumerate(pages, start=1):
        for raw in page.get("Items", []):
            books.append(Book.from_raw_data(raw))
            if len(books) == page_size:
                last = {"category": raw["category"], "book_id": raw["book_id"]}
                return books, encode_page_token(last, scope=scope)
        if requests >= MAX_REQUESTS_PER_PAGE:
            break
    return books, encode_page_token(pages.last_evaluated_key, scope=scope)


def audit_trail(*, category, book_id):
    """A book's audit entries, newest first (one Query), then those from before each
    move from another category (one more Query per move, three at most)."""
    entries, seen = [], set()
    while category not in seen and len(seen) <= MAX_MOVES_FOLLOWED:
        seen.add(category)
        found = list(
            AuditEntry.query(
                book_subject(category, book_id),
                scan_index_forward=False,
                limit=AUDIT_LIMIT - len(entries),
            )
        )
        # Each move is recorded under both keys: show it once, where the book arrived.
        entries += [
            e
            for e in found
            if not (
                entries and e.action == "book.move" and e.change_map["category"][0] == category
            )
        ]
        arrivals = [
            e.change_map["category"][0]
            for e in found
            if e.action == "book.move" and e.change_map["category"][1] == category
        ]
        if not arrivals or len(entries) >= AUDIT_LIMIT:
            break
        category = arrivals[0]
    return entries


def stock_watch_get():
    """The low-stock watch list (one GetItem), or None before its first count."""
    try:
        return StockWatch.get(*StockWatch.KEY)
    except StockWatch.DoesNotExist:
        return None


def low_stock_books(*, watch, also=(), limit=LOW_STOCK_CANDIDATES):
    """The books low on stock among those the watch list names and ``also`` (keys of
    books sold since its last count), re-read in BatchGetItems of 100, so that a restocked
    book never shows. At most ``limit`` books are read: the watch list's first."""
    keys = [tuple(key.split("#", 1)) for key in (watch.books.as_dict() if watch else {})]
    keys = list(dict.fromkeys(keys + list(also)))[:limit]
    books = [b for b in Book.batch_get(keys) if is_low(b.stock_quantity) and not b.hidden]
    return sorted(books, key=lambda b: (b.stock_quantity, b.title))


def orders_for_day(*, day, page_token=None, page_size=50):
    """One page of a day's orders through OrderDateIndex, newest first (one Query)."""
    scope = f"staff-orders:{day.isoformat()}"
    start_key = decode_page_token(page_token, scope=scope)
    results = Order.order_date_index.query(
        day.isoformat(),
        scan_index_forward=False,
        limit=page_size,
        page_size=page_size,
        last_evaluated_key=start_key,
    )
    orders = list(results)
    return orders, encode_page_token(results.last_evaluated_key, scope=scope)


def order_get(*, user_id, order_id):
    try:
        return Order.get(user_id, order_id, consistent_read=True)
    except Order.DoesNotExist:
        return None


def order_audit_trail(*, user_id, order_id):
    return list(
        AuditEntry.query(
            order_subject(user_id, order_id), scan_index_forward=False, limit=AUDIT_LIMIT
        )
    )


def customer_with_orders(*, email, limit=50):
    """``(user, orders)`` for an email (EmailIndex, then one Query of their orders, newest
    first), or ``(None, [])``."""
    user = user_get_by_email(email=email)
    if user is None:
        return None, []
    return user, list(Order.query(user.user_id, scan_index_forward=False, limit=limit))
