"""Load: 50 concurrent shoppers browse, fill carts and check out through gunicorn for 60
seconds (CLOUDSHELF_LOAD_SECONDS shortens it locally). No 5xx, no lost cart line, no lost or
duplicated order, and every book's stock equals its starting stock minus what the orders
hold. Then the last copies: 30 shoppers race over HTTP for 5 copies, and exactly 5 win."""

import os
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest

from cloudshelf.dynamo import utcnow
from tests.conftest import PASSWORD
from tests.reliability import stats
from tests.reliability.shopper import Shopper
from tests.reliability.sitemap import route_required
from tests.reliability.state import scan

LOAD_SECONDS = float(os.environ.get("CLOUDSHELF_LOAD_SECONDS", "60"))
SHOPPERS = 50
RACERS, LAST_COPIES = 30, 5


@pytest.fixture(autouse=True, scope="module")
def cart_and_checkout():
    """The shoppers drive these pages: a renamed one fails here, by name."""
    route_required("store:cart-add", "store:checkout", "store:checkout-place")


def _books(specs):
    """Save books: specs of (category, book_id, stock); returns {key: stock}."""
    from store.catalog.models import Book
    from store.catalog.summary import catalog_summary_rebuild

    with Book.batch_write() as batch:
        for category, book_id, stock in specs:
            batch.save(
                Book(
                    category=category,
                    book_id=book_id,
                    title=f"Load {book_id}",
                    author="Ada Tester",
                    isbn="9780000000002",
                    price=Decimal("12.50"),
                    stock_quantity=stock,
                    description="Bought under load.",
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
    catalog_summary_rebuild()
    return {(category, book_id): stock for category, book_id, stock in specs}


def _users(count, prefix):
    from accounts.services import user_create

    return [
        user_create(email=f"{prefix}{n}@example.com", password=PASSWORD, first_name=f"Load{n}")
        for n in range(count)
    ]


def _stock_now():
    return {
        (item["category"]["S"], item["book_id"]["S"]): int(item["stock_quantity"]["N"])
        for item in scan(_table("store.catalog.models.Book"))
        if not item["category"]["S"].startswith("~")
    }


def _table(path):
    from django.utils.module_loading import import_string

    return import_string(path).Meta.table_name


def _lines(item):
    lines = Counter()
    for line in item.get("items", {}).get("L", []):
        fields = line["M"]
        lines[(fields["category"]["S"], fields["book_id"]["S"])] += int(fields["quantity"]["N"])
    return lines


def _orders():
    """user_id -> {order_id: (status, Counter of lines)} from the orders table."""
    found = {}
    for item in scan(_table("store.orders.models.Order")):
        found.setdefault(item["user_id"]["S"], {})[item["order_id"]["S"]] = (
            item.get("status", {}).get("S", ""),
            _lines(item),
        )
    return found


def _carts():
    carts = {}
    for item in scan(_table("store.cart.models.Cart")):
        carts.setdefault(item["user_id"]["S"], Counter()).update(_lines(item))
    return carts


def _run_threads(targets, timeout):
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.1, deadline - time.monotonic()))
    hung = sum(thread.is_alive() for thread in threads)
    assert not hung, f"{hung} shopper threads still running after {timeout}s"


def _stock_is_starting_stock_minus_orders(start, orders):
    held = Counter()
    for placed in orders.values():
        for status, lines in placed.values():
            if status != "cancelled":
                held.update(lines)
    now = _stock_now()
    wrong = {
        key: (stock, held[key], now.get(key))
        for key, stock in start.items()
        if stock - held[key] != now.get(key)
    }
    return wrong


def test_fifty_shoppers_lose_nothing_for_a_minute(site, tables):
    specs = [("Technology", f"load-t{n:02d}", 400) for n in range(12)]
    specs += [("Fiction", f"load-f{n:02d}", 400) for n in range(12)]
    specs += [("Business", f"load-b{n}", 6) for n in range(4)]  # these sell out
    start = _books(specs)
    users = _users(SHOPPERS, "load")
    shoppers = [
        Shopper(
            site.url,
            email=user.email,
            password=PASSWORD,
            user_id=user.user_id,
            books=list(start),
            seed=number,
        )
        for number, user in enumerate(users)
    ]
    _run_threads([shopper.sign_in for shopper in shoppers], 120)
    deadline = time.monotonic() + LOAD_SECONDS
    _run_threads(
        [lambda s=s: s.run(deadline, time.monotonic) for s in shoppers], LOAD_SECONDS + 120
    )

    statuses = Counter(status for s in shoppers for status in s.browser.statuses)
    assert not [code for code in statuses if code >= 500], statuses
    errors = [error for s in shoppers for error in s.errors]
    assert not errors, errors[:5]
    findings = [finding for s in shoppers for finding in s.findings]
    assert not findings, findings[:5]
    # Every order a shopper saw placed is stored once, as it was ordered; no other order.
    stored = _orders()
    for shopper in shoppers:
        mine = stored.get(shopper.user_id, {})
        lost = set(shopper.orders) - set(mine)
        extra = set(mine) - set(shopper.orders)
        stats.add("data_lost", len(lost) + len(extra))
        assert not lost and not extra, (shopper.email, lost, extra)
        for order_id, lines in shopper.orders.items():
            assert mine[order_id][1] == lines, (order_id, mine[order_id][1], lines)
    # Every order was paid for: none is left awaiting its payment.
    unpaid = [
        o
        for mine in stored.values()
        for o, (status, _) in mine.items()
        if status == "awaiting_payment"
    ]
    assert not unpaid, unpaid[:5]
    # Every cart holds exactly the lines its shopper put there.
    carts = _carts()
    for shopper in shoppers:
        assert +carts.get(shopper.user_id, Counter()) == +shopper.cart, shopper.email
    wrong = _stock_is_starting_stock_minus_orders(start, stored)
    stats.add("data_lost", len(wrong))
    assert not wrong, wrong
    placed = sum(len(s.orders) for s in shoppers)
    assert placed >= max(3, LOAD_SECONDS // 6), (
        f"only {placed} orders in {LOAD_SECONDS}s: the checks above prove little"
    )


def test_thirty_shoppers_racing_for_five_copies_place_exactly_five_orders(site, tables):
    start = _books([("Technology", "last-copies", LAST_COPIES)])
    users = _users(RACERS, "racer")
    racers = [
        Shopper(
            site.url,
            email=user.email,
            password=PASSWORD,
            user_id=user.user_id,
            books=list(start),
            seed=number,
        )
        for number, user in enumerate(users)
    ]
    reviews = {}

    def prepare(racer):
        racer.sign_in()
        racer.add(copies=1)
        reviews[racer.email] = racer.review()

    _run_threads([lambda r=r: prepare(r) for r in racers], 180)
    assert all(reviews.values()), "every racer reaches the review page with one copy"
    gate = threading.Barrier(RACERS, timeout=60)

    def race(racer):
        gate.wait()
        racer.place(reviews[racer.email])

    _run_threads([lambda r=r: race(r) for r in racers], 120)
    winners = [r for r in racers if r.orders]
    stored = _orders()
    assert len(winners) == LAST_COPIES
    assert sum(len(placed) for placed in stored.values()) == LAST_COPIES
    assert all(
        status == "confirmed" for placed in stored.values() for status, _ in placed.values()
    )
    assert _stock_now()[("Technology", "last-copies")] == 0
    assert not _stock_is_starting_stock_minus_orders(start, stored)
    statuses = Counter(status for r in racers for status in r.browser.statuses)
    assert not [code for code in statuses if code >= 500], statuses
