"""How search costs grow with the catalog: figures, not a test.

Starts a private emulator (``python -m cloudshelf.localaws`` on a free port, in memory),
loads 1,000 generated books straight into it with batch writes (the books, then their
index entries through ``search_index_books``), measures a set of searches, grows the
catalog to 50,000 books and measures them again. For each search it prints the DynamoDB
requests made, the read capacity they would consume on DynamoDB (computed from the
items returned, by DynamoDB's rules: 4 KB units, eventually consistent reads at half a
unit) and the time taken against the emulator (moto: indicative only).

    .venv/bin/python benchmarks/search_scale.py [--sizes 1000 50000] [--repeat 5]
"""

import argparse
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Searches a shopper might type: common words, two letters, a rare word, the start of an
# author's name, several starts of words, nothing at all, and a second results page.
SEARCHES = [
    ("one common word", "the", False),
    ("two letters", "st", False),
    ("common word, page 2", "the", True),
    ("a rare title word", "gatsby", False),
    ("start of an author", "fitzger", False),
    ("two word starts", "clea co", False),
    ("selective pair", "garden winter", False),
    ("exact title", "clean code", False),
    ("no match", "zzyzx", False),
]

ADJECTIVES = [
    "Silent",
    "Golden",
    "Hidden",
    "Broken",
    "Distant",
    "Winter",
    "Burning",
    "Modern",
    "Practical",
    "Reliable",
    "Quantum",
    "Living",
    "Elegant",
    "Lost",
    "Iron",
    "Great",
    "Curious",
    "Patient",
    "Secret",
    "Restless",
    "Bright",
    "Northern",
    "Wild",
    "Quiet",
]
NOUNS = [
    "Harbor",
    "Garden",
    "River",
    "Orchard",
    "Lantern",
    "Letters",
    "Summer",
    "Systems",
    "Databases",
    "Algorithms",
    "Networks",
    "Leadership",
    "Strategy",
    "Markets",
    "Universe",
    "Cells",
    "Climate",
    "Oceans",
    "Empires",
    "Kingdoms",
    "Mountains",
    "Cities",
    "Voyages",
    "Machines",
    "Stories",
    "Secrets",
    "Islands",
    "Bridges",
    "Forests",
    "Engines",
]
PATTERNS = [
    "The {a} {n}",
    "{n} of the {a} {m}",
    "{a} {n}",
    "The Last {n}",
    "A History of {n}",
    "{n} and {m}",
    "Beyond the {a} {n}",
    "Notes on {n}",
]
FIRST = [
    "Ada",
    "Amara",
    "Ben",
    "Chen",
    "Dario",
    "Elena",
    "Farah",
    "Gustav",
    "Hana",
    "Ivan",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Rosa",
    "Sven",
    "Yuki",
]
LAST = [
    "Haddad",
    "Hart",
    "Jensen",
    "Moreau",
    "Nakamura",
    "O'Brien",
    "Patel",
    "Sato",
    "Novak",
    "Whitfield",
    "García",
    "Müller",
    "Kowalski",
    "Okafor",
    "Lindqvist",
    "Costa",
    "Rossi",
]
CATEGORIES = [
    "Fiction",
    "Technology",
    "Business",
    "Science",
    "History",
    "Travel",
    "Poetry",
    "Children",
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_emulator(port):
    process = subprocess.Popen(
        [sys.executable, "-m", "cloudshelf.localaws", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/__localaws__/health"
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the emulator did not start")


def generated_books(start, stop):
    from cloudshelf.dynamo import utcnow
    from store.catalog.models import Book

    now = utcnow()
    for number in range(start, stop):
        rng = random.Random(number)
        category = CATEGORIES[number % len(CATEGORIES)]
        title = rng.choice(PATTERNS).format(
            a=rng.choice(ADJECTIVES), n=rng.choice(NOUNS), m=rng.choice(NOUNS)
        )
        yield Book(
            category=category,
            book_id=f"gen-{number:06d}",
            title=title,
            author=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            isbn="9780000000000",
            price=Decimal(rng.randint(500, 6000)) / 100,
            stock_quantity=rng.randint(0, 60),
            description="A generated book.",
            created_at=now,
            updated_at=now,
        )


def load(books):
    """Books with BatchWriteItem, then their entries through search_index_books (two
    threads, so that one prepares requests while the emulator answers the other's)."""
    from concurrent.futures import ThreadPoolExecutor

    from store.catalog.models import Book
    from store.search.services import search_index_books

    books = list(books)
    with Book.batch_write() as batch:
        for book in books:
            batch.save(book)
    chunks = [books[start : start + 500] for start in range(0, len(books), 500)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in pool.map(lambda chunk: search_index_books(books=chunk), chunks):
            pass


# --- Consumed capacity, by DynamoDB's rules ------------------------------------------------


def value_size(value):
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = len(inner.strip("-").replace(".", "").strip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + value_size(item) for item in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in inner.items())
    return sum(len(str(item).encode()) for item in inner)  # sets


def item_size(item):
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def read_units(operation, params, response):
    half = 1 if params.get("ConsistentRead") else 0.5
    if operation == "Query" or operation == "Scan":
        total = sum(item_size(item) for item in response.get("Items", []))
        return max(1, math.ceil(total / 4096)) * half
    if operation == "GetItem":
        return max(1, math.ceil(item_size(response.get("Item", {})) / 4096)) * half
    if operation == "BatchGetItem":
        return sum(
            max(1, math.ceil(item_size(item) / 4096)) * 0.5
            for items in response.get("Responses", {}).values()
            for item in items
        )
    return 0


@contextmanager
def measured():
    """Counts DynamoDB requests and the read units they consume, in this thread."""
    from botocore.client import BaseClient

    original, figures = BaseClient._make_api_call, {"requests": 0, "rcu": 0.0}
    thread = threading.get_ident()

    def make_api_call(self, operation, params):
        response = original(self, operation, params)
        if self.meta.service_model.service_name == "dynamodb" and threading.get_ident() == thread:
            figures["requests"] += 1
            figures["rcu"] += read_units(operation, params, response)
        return response

    BaseClient._make_api_call = make_api_call
    try:
        yield figures
    finally:
        BaseClient._make_api_call = original


def measure(query, second_page, repeat):
    from store.search.selectors import book_search

    token = book_search(query=query, page_size=24).next_token if second_page else None
    times, results = [], 0
    for _ in range(repeat):
        with measured() as figures:
            started = time.perf_counter()
            page = book_search(query=query, page_token=token, page_size=24)
            times.append((time.perf_counter() - started) * 1000)
        results = len(page.books)
    return figures["requests"], figures["rcu"], statistics.median(times), results


def partition_size(token):
    from store.search.models import SearchEntry

    return SearchEntry.count(token)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 50000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    port = free_port()
    emulator = start_emulator(port)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.local",
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "benchmark",
            "AWS_SECRET_ACCESS_KEY": "benchmark",
            "AWS_REGION": "us-east-1",
            # A shared laptop may stall the emulator for a while: wait rather than fail.
            "DYNAMODB_READ_TIMEOUT": "120",
        }
    )
    try:
        import django

        django.setup()
        from cloudshelf.tables import tables_create
        from store.catalog.models import Book
        from store.sample_catalog import SEED_BOOKS, SEED_TIMESTAMP
        from store.search.text import parse_query

        tables_create()
        load(Book(**b, created_at=SEED_TIMESTAMP, updated_at=SEED_TIMESTAMP) for b in SEED_BOOKS)
        loaded, rows = len(SEED_BOOKS), {}
        for size in sorted(args.sizes):
            started = time.perf_counter()
            load(generated_books(loaded, size))
            print(
                f"loaded {size - loaded:,} books in {time.perf_counter() - started:.0f} s "
                f"({size:,} in all)",
                flush=True,
            )
            loaded = size
            for label, query, second_page in SEARCHES:
                anchor = parse_query(query).anchor
                rows.setdefault(label, {})[size] = (
                    *measure(query, second_page, args.repeat),
                    partition_size(anchor),
                )
        print_table(args.sizes, rows)
    finally:
        emulator.terminate()
        try:
            emulator.wait(timeout=30)
        except subprocess.TimeoutExpired:
            emulator.kill()


def print_table(sizes, rows):
    sizes = sorted(sizes)
    print()
    header = f"{'search':<22}" + "".join(
        f"| {size:>7,} books: requests  RCU    ms  results  partition " for size in sizes
    )
    print(header)
    print("-" * len(header))
    for (label, query, _), figures in zip(SEARCHES, rows.values(), strict=False):
        line = f"{label + ' (' + query + ')':<22.22}"
        for size in sizes:
            requests, rcu, ms, results, partition = figures[size]
            line += (
                f"| {'':>14}{requests:>8}  {rcu:>4.1f} {ms:>5.0f}  {results:>7}  {partition:>9,} "
            )
        print(line)
    print(
        "\nrequests and RCU: per results page (24 books). partition: entries in the index "
        "partition the search reads from (it grows with the catalog; what one page reads "
        "of it does not)."
    )


if __name__ == "__main__":
    main()
