"""How fast ``manage.py import_books`` loads a catalog: 10,000 books into a private
emulator, then the same file again (nothing to write), then the file with every book's
stock changed. Prints books per second and the DynamoDB requests each run made.

    .venv/bin/python benchmarks/import_books.py [--books 10000]

Not a test: the figures depend on the machine. The emulator (``python -m
cloudshelf.localaws --port P``, in memory: benchmarks/emulator.py) is started for the run
and stopped after. The last line printed is the figures as JSON, for benchmarks/runner.py."""

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = [
    "category",
    "book_id",
    "title",
    "author",
    "isbn",
    "price",
    "stock_quantity",
    "description",
]
CATEGORIES = [
    "Fiction",
    "Technology",
    "Business",
    "Science",
    "History",
    "Children",
    "Mystery",
    "Biography",
]


def isbn13(number):
    digits = [9, 7, 9] + [int(d) for d in f"{number:09d}"]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits + [check]))


def write_catalog(path, count, stock_shift=0):
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for n in range(count):
            category = CATEGORIES[n % len(CATEGORIES)]
            writer.writerow(
                [
                    category,
                    f"bench-{n:06d}",
                    f"Benchmark Book {n}",
                    f"Author {n % 997}",
                    isbn13(n),
                    f"{5 + n % 50}.99",
                    (n % 40) + stock_shift,
                    "A generated book for the import benchmark.",
                ]
            )


def timed_import(path):
    import io

    from django.core.management import call_command

    from benchmarks.requestcount import count_dynamodb_requests

    out = io.StringIO()
    with count_dynamodb_requests() as requests:
        start = time.perf_counter()
        call_command("import_books", str(path), stdout=out, stderr=io.StringIO())
        seconds = time.perf_counter() - start
    return seconds, dict(requests), out.getvalue().strip()


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--books", type=int, default=10_000)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from benchmarks.emulator import Emulator

    emulator = Emulator().start()
    figures = {"books": args.books, "runs": []}
    try:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.local",
                "AWS_ENDPOINT_URL": emulator.endpoint,
                "AWS_ACCESS_KEY_ID": "localaws",
                "AWS_SECRET_ACCESS_KEY": "localaws",
                # The emulator answers a full-table Scan (the catalog summary's rebuild) at
                # about 1 ms an item: more than the 5 s default for 10,000 books.
                "DYNAMODB_READ_TIMEOUT": "120",
            }
        )
        import django

        django.setup()
        from cloudshelf.tables import tables_create

        tables_create()
        with tempfile.TemporaryDirectory() as folder:
            first, changed = Path(folder) / "books.csv", Path(folder) / "restock.csv"
            write_catalog(first, args.books)
            write_catalog(changed, args.books, stock_shift=3)
            print(f"importing {args.books:,} books into the emulator on port {emulator.port}")
            for label, path in [
                ("new catalog", first),
                ("same file again", first),
                ("every stock changed", changed),
            ]:
                seconds, requests, report = timed_import(path)
                print(
                    f"{label:>20}: {seconds:6.1f} s, {args.books / seconds:7.0f} books/s"
                    f"  | {report}"
                )
                print(f"{'':>20}  requests: {requests}")
                figures["runs"].append(
                    {
                        "run": label,
                        "seconds": round(seconds, 2),
                        "books_per_second": round(args.books / seconds),
                        "requests": requests,
                    }
                )
    finally:
        emulator.stop()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
