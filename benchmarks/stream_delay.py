"""How long a change takes to reach its projections locally, and what the backbone costs
per 1,000 orders on AWS: figures, not a test.

Starts a private emulator, the store's tables and the local stream poller (every
``--interval`` seconds, 0.5 as under ``dev.py serve``). Then:

1. delay: books written straight into the books table with boto3, as the DynamoDB console
   would, one at a time, 0.1 to 0.9 s apart (a person's pace, not a bulk load: the local
   reader's throughput is the cost phase's figure); then orders the same way. A probe projection
   registered after the store's own notes when each record reaches it: every projection
   before it has then applied the change. Printed as p50, p99 and max.
2. cost: with the poller stopped, orders (and the stock change of each book they sell)
   are written, then delivered in one go while every DynamoDB request is counted. The
   requests per record, the records per order and the time per batch give the added cost
   per 1,000 orders on AWS (benchmarks/costs.py prices), assuming each item is under 1 KB.

    .venv/bin/python benchmarks/stream_delay.py [--books 150] [--orders 100] [--interval 0.5]
"""

import argparse
import json
import math
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.costs import MILLION, PRICES  # noqa: E402 (after the path is set)
from benchmarks.emulator import Emulator  # noqa: E402

SEEN = {}  # (table, key) -> monotonic time the probe saw it
_seen_lock = threading.Lock()
READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem"}


def _probe(change):
    key = (change.table_name, json.dumps(change.keys, default=str, sort_keys=True))
    with _seen_lock:
        SEEN.setdefault(key, time.monotonic())


def setup(port):
    os.environ["DJANGO_SETTINGS_MODULE"] = "cloudshelf.settings.test"
    os.environ["CLOUDSHELF_LOCALAWS_PORT"] = str(port)
    import django

    django.setup()
    from django.conf import settings

    from cloudshelf.streams.projections import Projection
    from cloudshelf.tables import covers_bucket_ensure, tables_create

    tables_create()
    covers_bucket_ensure()
    global BOOK_PROBE, ORDER_PROBE
    BOOK_PROBE = Projection(name="probe-books", table_setting="BOOKS_TABLE_NAME", apply=_probe)
    ORDER_PROBE = Projection(name="probe-orders", table_setting="ORDERS_TABLE_NAME", apply=_probe)
    # The registry imports projections by name: let it find this very module.
    sys.modules["benchmarks.stream_delay"] = sys.modules[__name__]
    settings.STREAM_PROJECTIONS = [
        *settings.STREAM_PROJECTIONS,
        "benchmarks.stream_delay.BOOK_PROBE",
        "benchmarks.stream_delay.ORDER_PROBE",
    ]
    return settings


def boto_client(settings):
    import boto3

    return boto3.client(
        "dynamodb",
        region_name=settings.AWS_REGION,
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )


def book_item(number):
    stamp = "2026-12-02T10:00:00Z"
    return {
        "category": {"S": random.choice(["Poetry", "Science", "History"])},
        "book_id": {"S": f"bench-{number:05d}"},
        "title": {"S": f"Benchmark Volume {number}"},
        "author": {"S": "Bea Marker"},
        "isbn": {"S": "9780000000002"},
        "price": {"N": "12.50"},
        "stock_quantity": {"N": str(random.choice([0, 3, 12]))},
        "description": {"S": "Written by the stream benchmark."},
        "created_at": {"S": stamp},
        "updated_at": {"S": stamp},
    }


def order_item(number, book):
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    line = {
        "M": {
            "book_id": book["book_id"],
            "category": book["category"],
            "title": book["title"],
            "price": {"N": "12.50"},
            "quantity": {"N": "1"},
        }
    }
    return {
        "user_id": {"S": f"user-bench-{number % 17}"},
        "order_id": {"S": f"order-bench-{number:05d}"},
        "order_date": {"S": stamp[:10]},
        "items": {"L": [line]},
        "subtotal": {"N": "12.50"},
        "tax": {"N": "1.00"},
        "shipping": {"N": "5.99"},
        "total": {"N": "19.49"},
        "status": {"S": "confirmed"},
        "shipping_address": {
            "M": {
                "street": {"S": "1 Bench St"},
                "city": {"S": "Anytown"},
                "state": {"S": "ST"},
                "postal_code": {"S": "12345"},
            }
        },
        "created_at": {"S": stamp},
        "updated_at": {"S": stamp},
    }


def _key(table, item, names):
    plain = {name: next(iter(item[name].values())) for name in names}
    return (table, json.dumps(plain, sort_keys=True))


def measure_delay(settings, client, *, books, orders):
    written = {}
    items = [book_item(n) for n in range(books)]
    for item in items:
        client.put_item(TableName=settings.BOOKS_TABLE_NAME, Item=item)
        written[_key(settings.BOOKS_TABLE_NAME, item, ("book_id", "category"))] = time.monotonic()
        time.sleep(random.uniform(0.1, 0.9))
    for number in range(orders):
        item = order_item(number, random.choice(items))
        client.put_item(TableName=settings.ORDERS_TABLE_NAME, Item=item)
        written[_key(settings.ORDERS_TABLE_NAME, item, ("order_id", "user_id"))] = time.monotonic()
        time.sleep(random.uniform(0.1, 0.9))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not set(written) <= set(SEEN):
        time.sleep(0.05)
    delays = sorted((SEEN[k] - t) * 1000 for k, t in written.items() if k in SEEN)
    return {
        "records": len(written),
        "delivered": len(delays),
        "p50_ms": round(statistics.median(delays), 1),
        "p99_ms": round(delays[max(0, int(len(delays) * 0.99) - 1)], 1),
        "max_ms": round(delays[-1], 1),
    }


def measure_cost(settings, client, *, orders):
    from benchmarks.requestcount import count_dynamodb_requests
    from cloudshelf.streams.local import deliver_pending

    books = [book_item(100_000 + n) for n in range(20)]
    for item in books:
        client.put_item(TableName=settings.BOOKS_TABLE_NAME, Item=item)
    deliver_pending()
    for number in range(orders):
        book = random.choice(books)
        client.put_item(
            TableName=settings.ORDERS_TABLE_NAME, Item=order_item(100_000 + number, book)
        )
        # What placing the order does to the book: one MODIFY on the books stream.
        client.update_item(
            TableName=settings.BOOKS_TABLE_NAME,
            Key={"category": book["category"], "book_id": book["book_id"]},
            UpdateExpression="ADD stock_quantity :one",
            ExpressionAttributeValues={":one": {"N": "-1"}},
        )
    started = time.perf_counter()
    with count_dynamodb_requests() as counts:
        records = deliver_pending()
    seconds = time.perf_counter() - started
    ops = Counter(counts)
    # The local reader's own calls (stream reads, its position, the lease) are not what
    # Lambda's event source mapping pays for: leave them out.
    for name in ("DescribeTable", "DescribeStream", "GetShardIterator", "GetRecords"):
        ops.pop(name, None)
    return _costs(ops, records=records, orders=orders, seconds=seconds)


def _costs(ops, *, records, orders, seconds):
    reads = sum(n for op, n in ops.items() if op in READS)
    writes = sum(n for op, n in ops.items() if op in WRITES | {"BatchWriteItem"})
    transactions = ops.get("TransactWriteItems", 0)
    per_1000 = Decimal(1000) / Decimal(orders)
    # Units, assuming items under 1 KB: a write 1 WRU, a transactional write 2 per item
    # (two items per transaction here), a consistent read 1 RRU.
    wru = (writes + transactions * 4) * per_1000
    rru = reads * per_1000
    invocations_worst = Decimal(records) * per_1000  # no batching at all: one per record
    invocations_batched = Decimal(math.ceil(records / 100)) * per_1000
    # The consumer has 1,024 MB (1 GB); the emulator is slower than DynamoDB, so the local
    # delivery time is an upper bound on the billed duration.
    gb_seconds = Decimal(str(seconds)) * per_1000
    price = PRICES
    dynamodb = (
        wru * price["dynamodb_write_request_unit_per_million"]
        + rru * price["dynamodb_read_request_unit_per_million"]
    ) / MILLION
    lambda_requests = invocations_worst * price["lambda_per_million_requests"] / MILLION
    lambda_compute = gb_seconds * price["lambda_gb_second"]
    return {
        "orders": orders,
        "records": records,
        "records_per_order": round(records / orders, 2),
        "requests": dict(sorted(ops.items())),
        "requests_per_record": round(sum(ops.values()) / max(records, 1), 2),
        "delivery_seconds_local": round(seconds, 2),
        "records_per_second_local": round(records / seconds, 1) if seconds else None,
        "per_1000_orders": {
            "write_request_units": int(wru),
            "read_request_units": int(rru),
            "lambda_invocations_unbatched": int(invocations_worst),
            "lambda_invocations_full_batches": int(invocations_batched),
            "lambda_gb_seconds_upper_bound": round(float(gb_seconds), 1),
            "dynamodb_dollars": str(dynamodb.quantize(Decimal("0.0001"))),
            "lambda_dollars": str((lambda_requests + lambda_compute).quantize(Decimal("0.0001"))),
            "stream_reads_dollars": "0 (GetRecords by a Lambda trigger is free)",
        },
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--books", type=int, default=40)
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--cost-orders", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args(argv)
    random.seed(7)
    with Emulator() as emulator:
        settings = setup(emulator.port)
        from cloudshelf.streams.poller import poller_start, poller_stop

        client = boto_client(settings)
        poller_start(interval=args.interval)
        delay = measure_delay(settings, client, books=args.books, orders=args.orders)
        poller_stop()
        cost = measure_cost(settings, client, orders=args.cost_orders)
    projections = [p for p in settings.STREAM_PROJECTIONS if "stream_delay" not in p]
    figures = {
        "interval_seconds": args.interval,
        "projections": projections,
        "delay": delay,
        "cost": cost,
    }
    print(f"projections: {', '.join(projections) or 'none'}")
    print(
        f"write -> projections, poller every {args.interval} s: p50 {delay['p50_ms']} ms, "
        f"p99 {delay['p99_ms']} ms, max {delay['max_ms']} ms "
        f"({delay['delivered']} of {delay['records']} records)"
    )
    print(
        f"per record: {cost['requests_per_record']} DynamoDB requests; "
        f"{cost['records_per_order']} records per order; per 1,000 orders: "
        f"{json.dumps(cost['per_1000_orders'])}"
    )
    print(json.dumps(figures, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
