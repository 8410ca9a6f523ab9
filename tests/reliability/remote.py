"""Run a little of the project's own code against another emulator (the stand-alone one a
fault test stops and restarts): ``python -m tests.reliability.remote prepare`` in a
subprocess whose CLOUDSHELF_LOCALAWS_PORT names that emulator. Prints JSON."""

import json
import os
import sys


def prepare(books=6, stock=60, users=10):
    """Tables, bucket, ``books`` books in one category (each with a cover) and ``users``
    shoppers; returns their keys."""
    from decimal import Decimal

    from accounts.services import user_create
    from cloudshelf.dynamo import utcnow
    from cloudshelf.tables import covers_bucket_ensure, tables_create
    from store.catalog.covers import cover_key, cover_store, generated_cover
    from store.catalog.models import Book
    from store.catalog.summary import catalog_summary_rebuild

    tables_create()
    covers_bucket_ensure()
    made = []
    for number in range(1, books + 1):
        title = f"Outage Book {number}"
        content = generated_cover(title, "Ada Tester")
        key = cover_store(cover_key(f"out-{number:03d}", content), content)
        Book(
            category="Technology",
            book_id=f"out-{number:03d}",
            title=title,
            author="Ada Tester",
            isbn="9780000000002",
            price=Decimal("10.00"),
            stock_quantity=stock,
            description="Stands through outages.",
            image_key=key,
            created_at=utcnow(),
            updated_at=utcnow(),
        ).save()
        made.append({"category": "Technology", "book_id": f"out-{number:03d}", "image_key": key})
    catalog_summary_rebuild()
    emails = []
    for number in range(users):
        email = f"outage{number}@example.com"
        user_create(email=email, password=sys.argv[2], first_name=f"Out{number}")
        emails.append(email)
    return {"books": made, "emails": emails}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudshelf.settings.test")
    import django

    django.setup()
    result = {"prepare": prepare}[sys.argv[1]]()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
