"""The books table's projections on the stream (store/catalog/projections.py,
store/search/projections.py): right whoever wrote the change, and exactly as one clean
delivery would leave them after duplicates, retried batches, late records and a consumer
stopped halfway."""

from decimal import Decimal
from io import StringIO

import boto3
import pytest
from django.conf import settings
from django.core.management import call_command

from cloudshelf.dynamo import utcnow
from cloudshelf.streams.projections import projections_for
from store.cart import services as cart_services
from store.catalog import stock
from store.catalog.models import Book, CatalogMember, CatalogSummary, LowStockBook
from store.catalog.seed import catalog_seed
from store.catalog.selectors import catalog_summary_get, low_stock_list
from store.catalog.summary import catalog_summary_read
from store.search.models import MANIFEST_PREFIX, SearchEntry, SearchManifest
from tests.conftest import place_form, review_checkout


def dynamodb():
    return boto3.client(
        "dynamodb",
        region_name=settings.AWS_REGION,
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def console_put(book_id, *, category="Poetry", title="Leaves of Grass", stock_quantity=12):
    """A book put in as the seed's console method does: its item shape, nothing more."""
    dynamodb().put_item(
        TableName=settings.BOOKS_TABLE_NAME,
        Item={
            "category": {"S": category},
            "book_id": {"S": book_id},
            "title": {"S": title},
            "author": {"S": "Walt Whitman"},
            "isbn": {"S": "9780140421996"},
            "price": {"N": "14.50"},
            "stock_quantity": {"N": str(stock_quantity)},
            "description": {"S": "Poems."},
            "image_url": {"S": "https://cloudshelf-images.s3.amazonaws.com/leaves.jpg"},
        },
    )


def console_set(book_id, name, value, *, category="Poetry"):
    """``SET <name> = <value>`` on one attribute (a typed value: ``{"N": "3"}``)."""
    dynamodb().update_item(
        TableName=settings.BOOKS_TABLE_NAME,
        Key={"category": {"S": category}, "book_id": {"S": book_id}},
        UpdateExpression="SET #name = :value",
        ExpressionAttributeNames={"#name": name},
        ExpressionAttributeValues={":value": value},
    )


def console_delete(book_id, *, category="Poetry"):
    dynamodb().delete_item(
        TableName=settings.BOOKS_TABLE_NAME,
        Key={"category": {"S": category}, "book_id": {"S": book_id}},
    )


def home_counts(client):
    return client.get("/").context["summary"].categories.as_dict()


def found(client, query):
    return [b.book_id for b in client.get("/search/", {"q": query}).context["books"]]


def low_books():
    return [(b.book_id, b.stock_quantity) for b in low_stock_list()]


# --- written outside the app ---------------------------------------------------------------


def test_a_console_book_is_counted_on_the_home_page_and_found(client, seed_books, streams):
    console_put("poe-001")
    streams.deliver()
    assert home_counts(client)["Poetry"] == 1
    assert found(client, "leaves gra") == ["poe-001"]
    assert found(client, "whitman") == ["poe-001"]


def test_a_console_book_with_offset_timestamps_shows_on_its_category_and_book_pages(
    client, seed_books, streams
):
    console_put("poe-001")
    console_set("poe-001", "created_at", {"S": "2026-12-05T02:00:00+01:00"})
    console_set("poe-001", "updated_at", {"S": "2026-12-05T01:00:00.250Z"})
    streams.deliver()
    category = client.get("/category/Poetry/")
    book = client.get("/books/Poetry/poe-001/")
    assert category.status_code == 200 and "Leaves of Grass" in category.content.decode()
    assert book.status_code == 200 and book.context["book"].created_at.hour == 1


def test_a_console_hidden_book_leaves_the_home_page_and_search(client, seed_books, streams):
    console_put("poe-001")
    streams.deliver()
    console_set("poe-001", "hidden", {"BOOL": True})
    streams.deliver()
    assert "Poetry" not in home_counts(client)
    assert found(client, "leaves") == []


def test_a_console_deleted_book_leaves_the_home_page_and_search(client, seed_books, streams):
    console_put("poe-001")
    console_put("poe-002", title="Song of Myself")
    streams.deliver()
    console_delete("poe-001")
    streams.deliver()
    assert home_counts(client)["Poetry"] == 1
    assert found(client, "leaves") == []
    assert found(client, "song") == ["poe-002"]


def test_a_console_stock_change_moves_the_book_on_and_off_the_low_stock_list(streams):
    console_put("poe-001", stock_quantity=12)
    streams.deliver()
    assert low_books() == []
    console_set("poe-001", "stock_quantity", {"N": "3"})
    streams.deliver()
    assert low_books() == [("poe-001", 3)]
    console_set("poe-001", "stock_quantity", {"N": "40"})
    streams.deliver()
    assert low_books() == []


def test_a_price_change_goes_to_the_catalog_summary_only(make_book, streams):
    book = make_book(title="Dune", stock_quantity=40)
    streams.deliver()
    Book(book.category, book.book_id).update(actions=[Book.price.set(Decimal("9.50"))])
    streams.deliver()
    [change] = [
        c
        for c in streams.delivered
        if c.event_name == "MODIFY"
        and c.keys
        == {
            "category": book.category,
            "book_id": book.book_id,
        }
    ]
    # Search reads no price, and a book with 40 copies is nowhere near the low-stock list;
    # the summary's featured entry shows the price, and discovery sorts by it.
    assert [p.name for p in projections_for(change)] == ["catalog-summary", "discovery-books"]
    assert catalog_summary_get().featured[0].price == Decimal("9.50")


# --- sold and restocked through the app ----------------------------------------------------


def test_selling_the_last_copies_lists_the_book_and_a_restock_takes_it_off(
    shopper_client, make_book, streams
):
    book = make_book(title="Last Copies", stock_quantity=8)
    streams.deliver()
    assert low_books() == []
    cart_services.cart_item_add(
        owner=shopper_client.user.user_id,
        category=book.category,
        book_id=book.book_id,
        quantity=8,
    )
    response = shopper_client.post("/checkout/place/", place_form(review_checkout(shopper_client)))
    assert response.status_code == 302
    streams.deliver()
    assert low_books() == [(book.book_id, 0)]
    stock.book_stock_adjust(
        category=book.category,
        book_id=book.book_id,
        delta=30,
        reason="delivery",
        actor=shopper_client.user,
    )
    streams.deliver()
    assert low_books() == []


def test_a_fresh_store_shows_its_home_page_search_and_low_stock_list(client, streams):
    catalog_seed()
    streams.deliver()
    books = [b for b in Book.scan() if not b.category.startswith("~")]
    expected = {}
    for book in books:
        expected[book.category] = expected.get(book.category, 0) + 1
    assert home_counts(client) == expected
    assert len(client.get("/").context["summary"].featured) == 8
    assert found(client, "gatsby") == ["fic-001"]
    low = {b.stock_quantity for b in low_stock_list()}
    assert {0, 2, 4} <= low and max(low) <= settings.LOW_STOCK_THRESHOLD


# --- every projection, however its records arrive ------------------------------------------


def snapshot():
    summary = catalog_summary_read()
    entries = SearchEntry.scan(~SearchEntry.token.startswith(MANIFEST_PREFIX))
    manifests = SearchManifest.scan(SearchManifest.token.startswith(MANIFEST_PREFIX))
    return {
        "catalog-summary": (
            summary.categories.as_dict(),
            [entry.as_dict() for entry in summary.featured],
            sorted(m.sk for m in CatalogMember.query(CatalogMember.PK, consistent_read=True)),
        ),
        "low-stock": sorted(
            (i.sk, i.title, i.stock_quantity)
            for i in LowStockBook.query(LowStockBook.PK, consistent_read=True)
        ),
        "search-index": (
            sorted((e.token, e.rank_key, e.book_id, e.words, e.title) for e in entries),
            sorted((m.token, m.fingerprint, sorted(m.entry_keys)) for m in manifests),
        ),
    }


def projections_forget():
    """Every projection back to nothing (an empty summary, as a new store's first record
    would find after a rebuild of an empty table)."""
    for model, pk in ((CatalogMember, CatalogMember.PK), (LowStockBook, LowStockBook.PK)):
        with model.batch_write() as batch:
            for item in model.query(pk):
                batch.delete(item)
    with SearchEntry.batch_write() as batch:
        for entry in SearchEntry.scan():
            batch.delete(entry)
    CatalogSummary(categories={}, featured=[], featured_version=0, updated_at=utcnow()).save()


@pytest.fixture
def busy_catalog(make_book, streams):
    """A store whose books were created, edited, sold, hidden, moved and deleted, by the
    app and from the console, with one clean delivery done: returns the snapshot."""
    for n in range(10):  # more than the featured list holds
        make_book(category="Science", book_id=f"sci-{n:03d}", title=f"Orbit {n}", stock_quantity=n)
    edited = make_book(title="Old Name", stock_quantity=10)
    Book(edited.category, edited.book_id).update(
        actions=[Book.title.set("New Name"), Book.price.set(Decimal("11.00"))]
    )
    Book(edited.category, edited.book_id).update(actions=[Book.stock_quantity.set(3)])
    sold_out = make_book(category="Science", book_id="sci-009-top", stock_quantity=5)
    sold_out.update(actions=[Book.stock_quantity.set(0), Book.updated_at.set(utcnow())])
    gone = make_book(category="Fiction", book_id="fic-900", title="Going Soon")
    gone.delete()
    moved = make_book(category="Fiction", book_id="fic-901", title="Moving House")
    moved.delete()
    Book(**{**moved.attribute_values, "category": "Travel"}).save()
    console_put("poe-001", stock_quantity=2)
    console_set("poe-001", "hidden", {"BOOL": True})
    console_put("poe-002", title="Song of Myself", stock_quantity=1)
    streams.deliver()
    return snapshot()


def test_the_clean_delivery_is_right(busy_catalog):
    categories, featured, members = busy_catalog["catalog-summary"]
    assert categories == {"Poetry": 1, "Science": 11, "Technology": 1, "Travel": 1}
    assert len(featured) == 8 and len(members) == 14
    assert [sk for sk, *_ in busy_catalog["low-stock"]] == [
        "Poetry#poe-002",
        *[f"Science#sci-{n:03d}" for n in range(6)],
        "Science#sci-009-top",
        "Technology#test-011",
    ]


def test_a_whole_batch_delivered_again_changes_nothing(busy_catalog, streams):
    assert streams.redeliver().ok
    assert snapshot() == busy_catalog


def test_every_record_delivered_twice_gives_one_clean_delivery(busy_catalog, streams):
    projections_forget()
    streams.redeliver([change for change in streams.delivered for _ in range(2)])
    assert snapshot() == busy_catalog


def test_records_delivered_late_in_reverse_order_give_one_clean_delivery(busy_catalog, streams):
    projections_forget()
    streams.redeliver(list(reversed(streams.delivered)))
    assert snapshot() == busy_catalog


def test_a_consumer_stopped_halfway_and_started_again_gives_one_clean_delivery(
    busy_catalog, streams
):
    projections_forget()
    half = len(streams.delivered) // 2
    streams.redeliver(streams.delivered[:half])
    streams.redeliver()
    assert snapshot() == busy_catalog


# --- rebuilding ----------------------------------------------------------------------------


def wrong_summary():
    CatalogSummary(
        categories={"Nowhere": 7, "Fiction": 3},
        featured=[],
        featured_version=5,
        updated_at=utcnow(),
    ).save()
    CatalogMember(sk="Nowhere#x-001").save()


def test_rebuild_puts_a_wrong_summary_right(client, seed_books, streams):
    streams.deliver()
    right = snapshot()["catalog-summary"]
    wrong_summary()
    out = StringIO()
    call_command("rebuild_projections", "catalog-summary", stdout=out)
    assert "catalog-summary: wrote 2 items" in out.getvalue()
    assert snapshot()["catalog-summary"] == right
    assert home_counts(client) == {"Business": 1, "Fiction": 1, "Technology": 1}


def test_rebuild_dry_run_writes_nothing(seed_books, streams):
    streams.deliver()
    wrong_summary()
    before = snapshot()["catalog-summary"]
    out = StringIO()
    call_command("rebuild_projections", "catalog-summary", "--dry-run", stdout=out)
    assert "catalog-summary: would write 2 items" in out.getvalue()
    assert snapshot()["catalog-summary"] == before
    assert catalog_summary_get().categories.as_dict() == {"Nowhere": 7, "Fiction": 3}
