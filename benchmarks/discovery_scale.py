"""Discovery at scale: the DynamoDB requests of the home page, a category page in every
sort, the book page and the best-sellers page with 1,000 then 50,000 books and 100 then
100,000 orders. Their counts must not grow with either.

The items are generated and written straight into the emulator (BatchWriteItem): books,
the measured category's sort items, orders, and the day counters and co-purchase counts
those orders give; the ranked lists are then computed by the projection's own refresh.

    python -m benchmarks.discovery_scale                       (the full sizes)
    python -m benchmarks.discovery_scale --books 1000 5000 --orders 100 2000
"""

import argparse
import sys
import time
from collections import Counter, defaultdict
from datetime import timedelta

from benchmarks.emulator import Emulator
from benchmarks.runner import setup_django
from benchmarks.scale import book_item, load_books

MEASURED = "Technology"


def pages():
    book = f"/books/{MEASURED}/scale-{1:06d}/"
    sorts = ["title", "price", "price-desc", "newest", "best"]
    return [
        ("home", "/"),
        ("category (shelf order)", f"/category/{MEASURED}/"),
        *[(f"category sort={s}", f"/category/{MEASURED}/?sort={s}") for s in sorts],
        ("category in stock, by price", f"/category/{MEASURED}/?sort=price&in_stock=1"),
        ("book", book),
        ("best sellers 30 days", "/best-sellers/?days=30"),
        ("best sellers 7 days, category", f"/best-sellers/?days=7&category={MEASURED}"),
    ]


def load_sort_items(start, stop):
    from store.catalog.models import Book
    from store.discovery.models import SortItem
    from store.discovery.projections import sort_items_wanted

    with SortItem.batch_write() as batch:
        for number in range(start, stop):
            raw = book_item(number)
            if raw["category"]["S"] != MEASURED:
                continue
            for item in sort_items_wanted(Book.from_raw_data(raw), sold=number % 97):
                batch.save(item)


def order_books(number, books):
    """The two books of generated order ``number`` (book 1 is in every tenth order)."""
    first = 1 if number % 10 == 0 else (number * 7) % books
    return first, (number * 13 + 5) % books


def load_orders(client, table, start, stop, books):
    from cloudshelf.dynamo import utcnow

    today = utcnow().date()
    batch = []
    for number in range(start, stop):
        lines = []
        for b in order_books(number, books):
            raw = book_item(b)
            lines.append(
                {
                    "M": {
                        "book_id": raw["book_id"],
                        "category": raw["category"],
                        "title": raw["title"],
                        "price": raw["price"],
                        "quantity": {"N": "1"},
                    }
                }
            )
        item = {
            "user_id": {"S": f"user-{number % 5000:05d}"},
            "order_id": {"S": f"order-{number:07d}"},
            "order_date": {"S": (today - timedelta(days=number % 30)).isoformat()},
            "items": {"L": lines},
            "subtotal": {"N": "20"},
            "tax": {"N": "1.6"},
            "shipping": {"N": "5.99"},
            "total": {"N": "27.59"},
            "status": {"S": "confirmed"},
            "created_at": {"S": "2025-09-05T10:00:00Z"},
            "updated_at": {"S": "2025-09-05T10:00:00Z"},
        }
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == 25 or number == stop - 1:
            pending = {table: batch}
            while pending:
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")
            batch = []


def write_counts(orders, books):
    """The day counters and the measured book's co-purchases the orders give, and the
    lists computed from them."""
    from cloudshelf.dynamo import utcnow
    from store.discovery.models import BookFacts, SalesCounterDay, book_ref
    from store.discovery.projections import also_bought_refresh, best_sellers_refresh

    today = utcnow().date()
    days: defaultdict[str, Counter] = defaultdict(Counter)
    partners: Counter[str] = Counter()
    measured = book_ref(MEASURED, f"scale-{1:06d}")
    for number in range(orders):
        refs = [
            book_ref(book_item(b)["category"]["S"], book_item(b)["book_id"]["S"])
            for b in order_books(number, books)
        ]
        days[(today - timedelta(days=number % 30)).isoformat()].update(refs)
        if measured in refs:
            partners.update(r for r in refs if r != measured)
    with SalesCounterDay.batch_write() as batch:
        for day, copies in days.items():
            batch.save(SalesCounterDay(sk=day, copies=dict(copies)))
    BookFacts(sk=measured, sold=sum(partners.values()), partners=dict(partners)).save()
    best_sellers_refresh()
    also_bought_refresh(measured)


def measure():
    from django.test import Client

    from benchmarks.requestcount import count_dynamodb_requests

    client = Client()
    figures = {}
    for name, path in pages():
        with count_dynamodb_requests() as counts:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        figures[name] = dict(counts)
    return figures


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, nargs=2, default=(1_000, 50_000))
    parser.add_argument("--orders", type=int, nargs=2, default=(100, 100_000))
    args = parser.parse_args(argv)
    emulator = Emulator().start()
    try:
        setup_django(emulator.port)
        from django.conf import settings

        from cloudshelf.dynamo import connection
        from cloudshelf.tables import tables_create
        from store.catalog.summary import catalog_summary_rebuild

        tables_create()
        client = connection().client
        levels = []
        loaded_books = loaded_orders = 0
        for books, orders in zip(args.books, args.orders, strict=True):
            started = time.perf_counter()
            load_books(client, settings.BOOKS_TABLE_NAME, loaded_books, books)
            load_sort_items(loaded_books, books)
            load_orders(client, settings.ORDERS_TABLE_NAME, loaded_orders, orders, books)
            write_counts(orders, books)
            catalog_summary_rebuild()
            loaded_books, loaded_orders = books, orders
            print(
                f"{books:,} books, {orders:,} orders loaded in {time.perf_counter() - started:.0f} s"
            )
            levels.append(measure())
        print(
            f"\n{'page':34} "
            + " ".join(
                f"{b:>,} books/{o:,} orders".rjust(30)
                for b, o in zip(args.books, args.orders, strict=True)
            )
        )
        flat = True
        for name, _path in pages():
            row = [
                ", ".join(f"{n} {op}" for op, n in sorted(level[name].items())) for level in levels
            ]
            flat &= levels[0][name] == levels[-1][name]
            print(f"{name:34} " + " ".join(r.rjust(30) for r in row))
        print("\nflat:", "yes" if flat else "NO")
        return 0 if flat else 1
    finally:
        emulator.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
