"""Scale: the category page, the book page and title search with 1,000 and then 50,000
books in the catalog. Their DynamoDB requests and capacity must not grow with the catalog.

The books go straight into the emulator with BatchWriteItem (25 a request), after the
emulator has been emptied; the pages are then asked for through Django as elsewhere.
"""

import time

from benchmarks import dynamodb
from benchmarks.pages import BOOK, SEARCH_EXACT, Page

SIZES = (1_000, 50_000)
CATEGORIES = [
    "Fiction",
    "Technology",
    "Business",
    "History",
    "Science",
    "Poetry",
    "Travel",
    "Cooking",
]
WORDS = [
    "Silent",
    "Golden",
    "Hidden",
    "Harbor",
    "Garden",
    "River",
    "Orchard",
    "Lantern",
    "Systems",
    "Patterns",
    "Signals",
    "Markets",
    "Ledger",
    "Summit",
    "Compass",
    "Atlas",
]

SCALE_PAGES = [
    Page("category", "Category", f"/category/{BOOK[0]}/"),
    Page("book", "Book", f"/books/{BOOK[0]}/{BOOK[1]}/"),
    Page("search", "Title search", f"/search/?q={SEARCH_EXACT.replace(' ', '+')}"),
]


def book_item(number):
    """A book in DynamoDB's wire format, shaped like the seed's sample items."""
    category = CATEGORIES[number % len(CATEGORIES)]
    title = f"{WORDS[number % 16]} {WORDS[(number // 16) % 16]} {number}"
    return {
        "category": {"S": category},
        "book_id": {"S": f"scale-{number:06d}"},
        "title": {"S": title},
        "author": {"S": "Ada Lindqvist"},
        "isbn": {"S": "9780000000002"},
        "price": {"N": str(7 + number % 50) + ".99"},
        "stock_quantity": {"N": str(number % 60)},
        "description": {"S": f"A book about {title.lower()}, told with warmth and a sharp eye."},
        "created_at": {"S": "2025-09-05T10:00:00Z"},
        "updated_at": {"S": "2025-09-05T10:00:00Z"},
    }


def load_books(client, table, start, stop):
    """Write books number ``start`` to ``stop - 1``; returns the seconds it took."""
    started = time.perf_counter()
    batch = []
    for number in range(start, stop):
        batch.append({"PutRequest": {"Item": book_item(number)}})
        if len(batch) == 25 or number == stop - 1:
            pending = {table: batch}
            while pending:
                pending = (
                    client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None
                )
            batch = []
    return time.perf_counter() - started


def word_search_in_build():
    """The word search (store/search/) indexes books through its services, so books loaded
    straight into the table are not found by it: benchmarks/search_scale.py measures it."""
    import importlib.util

    return importlib.util.find_spec("store.search") is not None


def run(ctx, emulator, log, sizes=SIZES):
    from django.conf import settings

    from cloudshelf.dynamo import connection
    from cloudshelf.tables import tables_create
    from store.catalog.models import Book
    from store.sample_catalog import SEED_BOOKS, SEED_TIMESTAMP

    emulator.reset()
    tables_create()
    for seed in SEED_BOOKS:  # the book and the title the pages ask for
        Book(**seed, created_at=SEED_TIMESTAMP, updated_at=SEED_TIMESTAMP).save()
    client, table = connection().client, settings.BOOKS_TABLE_NAME
    calc = dynamodb.calculator()
    results, loaded = {"sizes": list(sizes), "levels": []}, len(SEED_BOOKS)
    for size in sizes:
        seconds = load_books(client, table, loaded, size)
        log(f"  scale: loaded {size - loaded:,} books in {seconds:.1f} s")
        loaded = size
        level = {"books": size, "load_seconds": seconds, "pages": {}}
        pages = [p for p in SCALE_PAGES if p.name != "search" or not word_search_in_build()]
        for page in pages:
            started = time.perf_counter()
            measured = dynamodb.measure_page(page, ctx, calc, repeats=2)
            level["pages"][page.name] = {
                "label": page.label,
                "own_requests": measured["own_requests"],
                "own_read_units": measured["own_read_units"],
                "page_ms_against_emulator": (time.perf_counter() - started) * 1000 / 2,
                "stable": measured["stable"],
            }
        results["levels"].append(level)
    first, last = results["levels"][0]["pages"], results["levels"][-1]["pages"]
    results["flat"] = {
        name: (
            first[name]["own_requests"] == last[name]["own_requests"]
            and first[name]["own_read_units"] == last[name]["own_read_units"]
        )
        for name in first
    }
    return results
