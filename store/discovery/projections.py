"""Discovery's projections (cloudshelf/streams/): best sellers and "also bought" from the
orders stream, new releases and the category sort items from the books stream.

**discovery-sales** (orders). An OrderMark per order holds what the order contributes now
(its day, copies per book). Whatever record arrives, the projection re-reads the order and
its mark (consistent GetItems) and moves the difference into the day counters and each
book's BookFacts (copies sold, co-purchase counts) in ONE transaction with the new mark,
conditioned on the mark's version: a redelivered record finds no difference and changes no
count. It then refreshes what is derived from the counts (the ranking lists, the books'
"also bought" lists and best-selling sort keys); each refresh recomputes from the counts
and the books as they are, so running it again changes nothing.

**discovery-books** (books). A change of a book re-reads it and brings its sort items, the
new-releases list and, when what a list shows of it changed (hidden, sold out, title,
price...), the lists that may show it."""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError

from cloudshelf.dynamo import transaction
from cloudshelf.dynamo_errors import failed_actions, is_conflict, retry_pause
from cloudshelf.streams.projections import Projection
from cloudshelf.streams.records import MODIFY, Change, image_number
from store.catalog.models import RESERVED_CATEGORY_PREFIX, Book
from store.discovery import rules
from store.discovery.models import (
    ALSO_BOUGHT_PK,
    BOOK_FACTS_PK,
    LIST_PK,
    ORDER_MARK_PK,
    SALES_DAY_PK,
    AlsoBought,
    BookFacts,
    BookList,
    Entry,
    OrderMark,
    SalesCounterDay,
    SortItem,
    book_ref,
    ref_split,
    sort_pk,
)
from store.orders.models import Order

ATTEMPTS = 8
MAX_BOOKS_PER_ORDER = 90  # one transaction holds at most 100 actions
SORT_ORDERS = ("title", "price", "newest", "best")


def _get(model: Any, *keys: str) -> Any:
    try:
        return model.get(*keys, consistent_read=True)
    except model.DoesNotExist:
        return None


def today() -> date:
    return datetime.now(UTC).date()


# --- books, read in batches ------------------------------------------------------------


def books_get(refs: Iterable[str]) -> dict[str, Book]:
    """The books of ``refs`` that exist (BatchGetItem, 100 keys a request)."""
    keys = [ref_split(r) for r in dict.fromkeys(refs)]
    return {book_ref(b.category, b.book_id): b for b in Book.batch_get(keys)} if keys else {}


def is_listable(book: Book | None) -> bool:
    return (
        book is not None and book.listed and not book.category.startswith(RESERVED_CATEGORY_PREFIX)
    )


def entry_of(book: Book, count: int = 0) -> Entry:
    return Entry(
        category=book.category,
        book_id=book.book_id,
        title=book.title,
        author=book.author,
        price=book.price,
        image_key=book.image_key,
        stock_quantity=book.stock_quantity or 0,
        count=count,
    )


def _entries_same(a: Iterable[Entry], b: Iterable[Entry]) -> bool:
    return [e.as_dict() for e in a] == [e.as_dict() for e in b]


def _list_write(model: Any, sk: str, entries: list[Entry], **extra: Any) -> bool:
    current = _get(model, model.pk.default, sk)
    if current is not None and _entries_same(current.entries, entries):
        return False
    if not entries and current is None:
        return False
    model(sk=sk, entries=entries, **extra).save()
    return True


def ranked_entries(
    counts: Counter, books: dict[str, Book], *, shown: int, in_stock_only: bool
) -> list[Entry]:
    """The ``shown`` best of ``counts`` (more first, then by key), hidden books (and with
    ``in_stock_only``, sold-out ones) left out."""
    ranked = sorted((ref for ref, n in counts.items() if n > 0), key=lambda r: (-counts[r], r))
    entries = []
    for ref in ranked:
        book = books.get(ref)
        if not is_listable(book):
            continue
        assert book is not None
        if in_stock_only and (book.stock_quantity or 0) <= 0:
            continue
        entries.append(entry_of(book, counts[ref]))
        if len(entries) == shown:
            break
    return entries


# --- best sellers ------------------------------------------------------------------------


def window_counts(days: int, as_of: date, day_items: list[SalesCounterDay]) -> Counter:
    first = (as_of - timedelta(days=days - 1)).isoformat()
    counts: Counter[str] = Counter()
    for item in day_items:
        if first <= item.sk <= as_of.isoformat():
            for ref, n in item.copies.as_dict().items():
                counts[ref] += int(n)
    return counts


def best_sellers_refresh(*, as_of: date | None = None) -> int:
    """Recompute every best-seller list (overall and per category, each window) from the
    last 30 days' counters (one Query) and the candidates' books; write those that
    changed. Returns how many it wrote."""
    as_of = as_of or today()
    first = (as_of - timedelta(days=max(rules.WINDOWS) - 1)).isoformat()
    day_items = list(
        SalesCounterDay.query(
            SALES_DAY_PK,
            SalesCounterDay.sk.between(first, as_of.isoformat()),
            consistent_read=True,
        )
    )
    scopes: dict[str, Counter] = {}
    for days in rules.WINDOWS:
        counts = window_counts(days, as_of, day_items)
        scopes[f"best#{days}#all"] = counts
        per_category: defaultdict[str, Counter] = defaultdict(Counter)
        for ref, n in counts.items():
            per_category[ref_split(ref)[0]][ref] = n
        for category, c in per_category.items():
            scopes[f"best#{days}#{category}"] = c
    candidates: set[str] = set()
    for counts in scopes.values():
        candidates.update(r for r, _ in counts.most_common(rules.CANDIDATES))
    books = books_get(candidates)
    kept = {
        item.sk
        for item in BookList.query(LIST_PK, BookList.sk.startswith("best#"), consistent_read=True)
    }
    written = 0
    for sk, counts in scopes.items():
        entries = ranked_entries(
            counts, books, shown=rules.BEST_SELLERS_SHOWN, in_stock_only=False
        )
        written += _list_write(BookList, sk, entries, as_of=as_of.isoformat())
    for sk in kept - set(scopes):
        BookList(sk=sk).delete()
        written += 1
    return written


# --- also bought -------------------------------------------------------------------------


def also_bought_refresh(ref: str, facts: BookFacts | None = None) -> bool:
    """Recompute one book's "also bought" from its co-purchase counts."""
    if facts is None:
        facts = _get(BookFacts, BOOK_FACTS_PK, ref)
    partners = Counter(
        {
            r: int(n)
            for r, n in (facts.partners.as_dict() if facts else {}).items()
            if int(n) >= rules.ALSO_BOUGHT_MIN_ORDERS and r != ref
        }
    )
    top = [r for r, _ in sorted(partners.items(), key=lambda p: (-p[1], p[0]))]
    books = books_get(top[: rules.CANDIDATES])
    entries = ranked_entries(partners, books, shown=rules.ALSO_BOUGHT_SHOWN, in_stock_only=True)
    if not entries:
        existing = _get(AlsoBought, ALSO_BOUGHT_PK, ref)
        if existing is not None:
            existing.delete()
            return True
        return False
    return _list_write(AlsoBought, ref, entries)


# --- the orders' counts ------------------------------------------------------------------


def order_copies(order: Order | None) -> Counter:
    """Copies per book that the order contributes now (nothing if it does not count)."""
    copies: Counter[str] = Counter()
    if rules.order_counts(order):
        assert order is not None
        for line in order.items:
            copies[book_ref(line.category, line.book_id)] += int(line.quantity)
    return Counter({r: n for r, n in copies.items() if n > 0})


def _ensure_maps(day: str | None, refs: Iterable[str]) -> None:
    """Give the day and the books their maps, so a transaction can add to their entries."""
    if day:
        SalesCounterDay(sk=day).update(
            actions=[SalesCounterDay.copies.set(SalesCounterDay.copies | {})]
        )
    for ref in refs:
        BookFacts(sk=ref).update(actions=[BookFacts.partners.set(BookFacts.partners | {})])


def _counts_write(sk: str, mark: OrderMark | None, order: Order | None) -> bool:
    old = Counter({r: int(n) for r, n in (mark.copies.as_dict() if mark else {}).items()})
    new = order_copies(order)
    old_day = mark.day if mark and old else None
    new_day = order.order_date if order is not None and new else None
    if old == new and old_day == new_day:
        return True
    if len(new) > MAX_BOOKS_PER_ORDER:  # too many books for one transaction: count the first
        new = Counter(dict(list(new.items())[:MAX_BOOKS_PER_ORDER]))
    days: defaultdict[str, Counter] = defaultdict(Counter)
    if old_day:
        days[old_day].subtract(old)
    if new_day:
        days[new_day].update(new)
    books = set(old) | set(new)
    version = mark.version if mark else 0
    same = OrderMark.version == version if mark else OrderMark.sk.does_not_exist()
    try:
        with transaction() as tx:
            for day, delta in days.items():
                actions = [
                    SalesCounterDay.copies[r].set((SalesCounterDay.copies[r] | 0) + n)
                    for r, n in delta.items()
                    if n
                ]
                if actions:
                    tx.update(
                        SalesCounterDay(sk=day),
                        actions=actions,
                        condition=SalesCounterDay.copies.exists(),
                        name=f"day:{day}",
                    )
            for ref in books:
                sold = new[ref] - old[ref]
                actions = []
                if sold:
                    actions.append(BookFacts.sold.set((BookFacts.sold | 0) + sold))
                for other in books - {ref}:
                    pair = int(ref in new and other in new) - int(ref in old and other in old)
                    if pair:
                        path = BookFacts.partners[other]
                        actions.append(path.set((path | 0) + pair))
                if actions:
                    tx.update(
                        BookFacts(sk=ref),
                        actions=actions,
                        condition=BookFacts.partners.exists(),
                        name=f"book:{ref}",
                    )
            tx.save(
                OrderMark(sk=sk, day=new_day, copies=dict(new), version=version + 1),
                condition=same,
                name="mark",
            )
    except TransactWriteError as error:
        failed = failed_actions(error)
        if any(name.startswith(("day:", "book:")) for name in failed):
            _ensure_maps(new_day, books)
            _ensure_maps(old_day, ())
            return False
        if "mark" in failed or is_conflict(error):
            return False
        raise
    return True


def discovery_sales_apply(change: Change) -> None:
    """Count the order as it is now, then refresh the lists its books are in."""
    user_id, order_id = change.keys["user_id"], change.keys["order_id"]
    sk = f"{user_id}#{order_id}"
    for attempt in range(ATTEMPTS):
        order = _get(Order, user_id, order_id)
        mark = _get(OrderMark, ORDER_MARK_PK, sk)
        refs = set(order_copies(order)) | set(mark.copies.as_dict() if mark else {})
        if _counts_write(sk, mark, order):
            break
        retry_pause(attempt, low=0.005, high=0.02)
    else:
        raise RuntimeError(f"discovery-sales: order {order_id} kept changing; try again later")
    if order is not None:
        refs |= {book_ref(line.category, line.book_id) for line in order.items}
    if not refs:
        return
    best_sellers_refresh()
    for ref in refs:
        also_bought_refresh(ref)
        sort_items_sync(*ref_split(ref))


def discovery_sales_wants(change: Change) -> bool:
    return change.event_name != MODIFY or change.changed("status", "items", "order_date")


def discovery_sales_rebuild(
    *, dry_run: bool = False, progress: Callable[[int], object] | None = None
) -> int:
    """Recount everything from the orders table (one consistent Scan): the day counters,
    the marks and the books' figures, then every list and sort item. Returns how many
    items it wrote (would write). Meant for a quiet stream, like daily-sales."""
    days: defaultdict[str, Counter] = defaultdict(Counter)
    marks: dict[str, tuple[str | None, Counter]] = {}
    sold: Counter[str] = Counter()
    partners: defaultdict[str, Counter] = defaultdict(Counter)
    for order in Order.scan(consistent_read=True):
        if progress:
            progress(1)
        copies = order_copies(order)
        marks[f"{order.user_id}#{order.order_id}"] = (
            order.order_date if copies else None,
            copies,
        )
        if copies:
            days[order.order_date].update(copies)
            sold.update(copies)
            for ref in copies:
                for other in copies:
                    if other != ref:
                        partners[ref][other] += 1
    written = 0
    kept_days = {d.sk: d for d in SalesCounterDay.query(SALES_DAY_PK, consistent_read=True)}
    kept_marks = {m.sk: m for m in OrderMark.query(ORDER_MARK_PK, consistent_read=True)}
    kept_facts = {f.sk: f for f in BookFacts.query(BOOK_FACTS_PK, consistent_read=True)}
    puts: list[Any] = []
    deletes: list[Any] = []
    for day, counts in days.items():
        item = kept_days.get(day)
        if item is None or item.copies.as_dict() != dict(counts):
            puts.append(SalesCounterDay(sk=day, copies=dict(counts)))
    deletes += [d for sk, d in kept_days.items() if sk not in days]
    for sk, (day, copies) in marks.items():
        m = kept_marks.get(sk)
        if m is None or m.day != day or m.copies.as_dict() != dict(copies):
            puts.append(
                OrderMark(sk=sk, day=day, copies=dict(copies), version=(m.version if m else 0) + 1)
            )
    deletes += [m for sk, m in kept_marks.items() if sk not in marks]
    for ref in set(sold) | set(kept_facts):
        f = kept_facts.get(ref)
        if f is None or f.sold != sold[ref] or f.partners.as_dict() != dict(partners[ref]):
            puts.append(
                BookFacts(
                    sk=ref,
                    sold=sold[ref],
                    partners=dict(partners[ref]),
                    sort_keys=list(f.sort_keys) if f else [],
                    sort_version=f.sort_version if f else 0,
                )
            )
    written += len(puts) + len(deletes)
    if dry_run:
        return written
    for model in (SalesCounterDay, OrderMark, BookFacts):
        with model.batch_write() as batch:
            for item in puts:
                if isinstance(item, model):
                    batch.save(item)
            for item in deletes:
                if isinstance(item, model):
                    batch.delete(item)
    written += best_sellers_refresh()
    for ref in set(sold) | set(kept_facts):
        written += also_bought_refresh(ref)
    kept_also = {a.sk for a in AlsoBought.query(ALSO_BOUGHT_PK, consistent_read=True)}
    for ref in kept_also - set(sold) - set(kept_facts):
        written += also_bought_refresh(ref)
    return written


discovery_sales = Projection(
    name="discovery-sales",
    table_setting="ORDERS_TABLE_NAME",
    apply=discovery_sales_apply,
    rebuild=discovery_sales_rebuild,
    wants=discovery_sales_wants,
    description="best sellers (7 and 30 days, overall and per category) and 'also bought'",
)


# --- sort items ----------------------------------------------------------------------------


def _sort_keys(book: Book, sold: int) -> dict[str, str]:
    cents = int((book.price or 0) * 100)
    created = (book.created_at or datetime.min.replace(tzinfo=UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    return {
        "title": f"{book.title.casefold()[:300]}#{book.book_id}",
        "price": f"{cents:012d}#{book.book_id}",
        "newest": f"{created}#{book.book_id}",
        "best": f"{sold:012d}#{book.book_id}",
    }


def sort_items_wanted(book: Book | None, sold: int) -> list[SortItem]:
    if not is_listable(book):
        return []
    assert book is not None
    items = []
    stocked = (book.stock_quantity or 0) > 0
    for order, sk in _sort_keys(book, sold).items():
        for in_stock in (False, True) if stocked else (False,):
            items.append(
                SortItem(
                    pk=sort_pk(book.category, order, in_stock),
                    sk=sk,
                    category=book.category,
                    book_id=book.book_id,
                    title=book.title,
                    author=book.author,
                    price=book.price,
                    image_key=book.image_key,
                    stock_quantity=book.stock_quantity or 0,
                )
            )
    return items


def sort_items_sync(category: str, book_id: str) -> int:
    """Make the book's sort items match it as it is now: delete those it no longer has,
    put the others, and record them in its BookFacts, in one transaction conditioned on
    the facts' ``sort_version``. Returns how many items it wrote."""
    if category.startswith(RESERVED_CATEGORY_PREFIX):
        return 0
    ref = book_ref(category, book_id)
    for attempt in range(ATTEMPTS):
        book = _get(Book, category, book_id)
        facts = _get(BookFacts, BOOK_FACTS_PK, ref)
        wanted = sort_items_wanted(book, facts.sold if facts else 0)
        wanted_keys = [f"{i.pk}|{i.sk}" for i in wanted]
        old_keys = list(facts.sort_keys) if facts else []
        version = facts.sort_version if facts else 0
        try:
            with transaction() as tx:
                for key in set(old_keys) - set(wanted_keys):
                    pk, _, sk = key.partition("|")
                    tx.delete(SortItem(pk, sk))
                for item in wanted:
                    tx.save(item)
                tx.update(
                    BookFacts(sk=ref),
                    actions=[
                        BookFacts.sort_keys.set(wanted_keys),
                        BookFacts.sort_version.set(version + 1),
                    ],
                    # A figures item the sales transaction made has no sort_version yet,
                    # which PynamoDB reads back as 0.
                    condition=(BookFacts.sort_version == version)
                    if version
                    else (BookFacts.sort_version == 0) | BookFacts.sort_version.does_not_exist(),
                )
            return len(wanted)
        except TransactWriteError as error:
            if failed_actions(error) or is_conflict(error):
                retry_pause(attempt, low=0.005, high=0.02)
                continue
            raise
    raise RuntimeError(f"discovery: the sort items of {ref} kept changing")


# --- new releases ----------------------------------------------------------------------


def new_releases_apply(book: Book | None, key: tuple[str, str]) -> bool:
    """Bring the overall new-releases list up to date with one book."""
    current = _get(BookList, LIST_PK, "new#all")
    entries = [e for e in (current.entries if current else []) if (e.category, e.book_id) != key]
    created = {(e.category, e.book_id): e.count for e in entries}
    if is_listable(book):
        assert book is not None
        entries.append(entry_of(book, _created_number(book)))
        created[key] = _created_number(book)
    entries.sort(key=lambda e: (-e.count, e.category, e.book_id))
    return _list_write(BookList, "new#all", entries[: rules.NEW_RELEASES_SHOWN * 2])


def _created_number(book: Book) -> int:
    """The entry's ``count`` for new releases: when the book entered the store, in seconds."""
    return int(book.created_at.timestamp()) if book.created_at else 0


LIST_FIELDS = ("hidden", "stock_quantity", "title", "author", "price", "image_key")
SORT_FIELDS = (*LIST_FIELDS, "created_at", "category", "book_id")


def _shown_changed(change: Change) -> bool:
    old, new = change.old or {}, change.new or {}
    if change.event_name != MODIFY:
        return True
    sold_out_flip = (image_number(old, "stock_quantity") > 0) != (
        image_number(new, "stock_quantity") > 0
    )
    return sold_out_flip or any(
        old.get(f) != new.get(f) for f in LIST_FIELDS if f != "stock_quantity"
    )


def discovery_books_apply(change: Change) -> None:
    category, book_id = change.keys["category"], change.keys["book_id"]
    sort_items_sync(category, book_id)
    book = _get(Book, category, book_id)
    new_releases_apply(book, (category, book_id))
    if _shown_changed(change):
        ref = book_ref(category, book_id)
        facts = _get(BookFacts, BOOK_FACTS_PK, ref)
        if facts is not None and facts.sold:
            best_sellers_refresh()
        partners = facts.partners.as_dict() if facts else {}
        for other in sorted(partners, key=lambda r: -int(partners[r]))[: rules.CANDIDATES]:
            also_bought_refresh(other)


def discovery_books_wants(change: Change) -> bool:
    return not change.keys.get("category", "").startswith(RESERVED_CATEGORY_PREFIX) and (
        change.event_name != MODIFY or change.changed(*SORT_FIELDS)
    )


def discovery_books_rebuild(
    *, dry_run: bool = False, progress: Callable[[int], object] | None = None
) -> int:
    """Every book's sort items and the new-releases list, from a Scan of the books."""
    written = 0
    newest: list[Entry] = []
    for book in Book.scan(consistent_read=True, page_size=1000):
        if progress:
            progress(1)
        if book.category.startswith(RESERVED_CATEGORY_PREFIX):
            continue
        if is_listable(book):
            newest.append(entry_of(book, _created_number(book)))
        if not dry_run:
            written += sort_items_sync(book.category, book.book_id)
    newest.sort(key=lambda e: (-e.count, e.category, e.book_id))
    if not dry_run:
        written += _list_write(BookList, "new#all", newest[: rules.NEW_RELEASES_SHOWN * 2])
    return written


discovery_books = Projection(
    name="discovery-books",
    table_setting="BOOKS_TABLE_NAME",
    apply=discovery_books_apply,
    rebuild=discovery_books_rebuild,
    wants=discovery_books_wants,
    description="category sort items, new releases, and the lists a changed book is in",
)
