"""Fixtures shared by every test. Integration tests use the real emulator over HTTP,
started by the test settings on a free port; each test starts from empty tables."""

import urllib.request

import pytest
from django.conf import settings

from benchmarks.requestcount import count_dynamodb_requests
from cloudshelf.dynamo import connection
from cloudshelf.tables import covers_bucket_ensure, table_models, tables_create
from tests.cognito_fixtures import cognito, identity  # noqa: F401 (fixtures)


def emulator_post(path):
    endpoint = settings.DYNAMODB_ENDPOINT_URL
    request = urllib.request.Request(endpoint + path, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def reset_emulator():
    """Forget everything: tables, buckets, every other service's state."""
    emulator_post("/moto-api/reset")


def tables_present():
    """Every table of the project and the covers bucket exist (two cheap requests)."""
    from botocore.exceptions import ClientError
    from django.core.files.storage import default_storage

    names = set(connection().client.list_tables(Limit=100)["TableNames"])
    if not names >= {model.Meta.table_name for model in table_models()}:
        return False
    try:
        default_storage.connection.meta.client.head_bucket(Bucket=default_storage.bucket_name)
    except ClientError:
        return False
    return True


def emulator_truncate():
    """Delete every item of every table and every object of every bucket inside the
    emulator in one request, keeping tables (indexes, TTL, streams) and buckets; the
    streams are trimmed, so the next record delivered is one the test wrote."""
    emulator_post("/__localaws__/truncate")


@pytest.fixture
def tables():
    """Empty tables (and covers bucket) in the emulator, created by the project's code.

    Created once per session and emptied before each test. A test that deletes a table or
    resets the emulator leaves them missing: the next test sees it and creates them again."""
    if not tables_present():
        tables_create()
        covers_bucket_ensure()
    emulator_truncate()
    if settings.IDENTITY_SERVICE == "cognito" and not settings.COGNITO_USER_POOL_ID:
        # The whole suite under CLOUDSHELF_IDENTITY_SERVICE=cognito: the emulator's pool
        # goes with the tables' items (every process finds or creates a new one).
        from accounts.identity.cognito import user_pool_discard

        user_pool_discard()
    yield


@pytest.fixture
def fresh_emulator():
    """An emulator reset to nothing but the project's empty tables and bucket: for a test
    that creates tables of its own, or reads state other than tables and buckets (sent
    email, for example)."""
    reset_emulator()
    tables_create()
    covers_bucket_ensure()
    yield


@pytest.fixture
def make_book(tables):
    """Save a book: ``make_book(title="Dune", stock_quantity=0)``."""
    from decimal import Decimal

    from cloudshelf.dynamo import utcnow
    from store.catalog.models import Book

    counter = iter(range(1, 100000))

    def make(**fields):
        number = next(counter)
        values = {
            "category": "Technology",
            "book_id": f"test-{number:03d}",
            "title": f"Test Book {number}",
            "author": "Ada Tester",
            "isbn": "9780000000002",
            "price": Decimal("10.00"),
            "stock_quantity": 10,
            "description": "A book made by a test.",
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        values.update(fields)
        book = Book(**values)
        book.save()
        return book

    return make


@pytest.fixture
def seed_books(tables):
    """The seed document's three books, exactly as it gives them."""
    from store.catalog.models import Book
    from store.sample_catalog import SEED_BOOKS, SEED_TIMESTAMP

    books = [Book(**b, created_at=SEED_TIMESTAMP, updated_at=SEED_TIMESTAMP) for b in SEED_BOOKS]
    for book in books:
        book.save()
    return books


@pytest.fixture
def dynamodb_requests():
    """A Counter of the DynamoDB requests made while the test runs."""
    with count_dynamodb_requests() as counts:
        yield counts


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(tables):
    """Create a user: ``make_user(email="a@example.com", is_staff=True)``; password PASSWORD."""
    from accounts.services import user_create

    counter = iter(range(1, 100000))

    def make(**fields):
        values = {
            "email": f"shopper{next(counter)}@example.com",
            "password": PASSWORD,
            "first_name": "Sam",
            "last_name": "Shopper",
        }
        values.update(fields)
        return user_create(**values)

    return make


def sign_in(client, user, password=PASSWORD):
    """Sign ``client`` in through the real sign-in page."""
    response = client.post("/accounts/sign-in/", {"email": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def shopper_client(client, make_user):
    """A test client signed in as a new shopper; the user is ``shopper_client.user``."""
    user = make_user()
    sign_in(client, user)
    client.user = user
    return client


@pytest.fixture
def staff_client(client, make_user):
    user = make_user(is_staff=True)
    sign_in(client, user)
    client.user = user
    return client


# --- Cart, checkout and orders -------------------------------------------------------
SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
ADDRESS = {
    "street": "123 Main St",
    "city": "Anytown",
    "state": "ST",
    "postal_code": "12345",
    "country": "US",
}


def add_to_cart(client, book, quantity=1, follow=False, **fields):
    """Post the catalog's "Add to cart" form for ``book``, from this site."""
    data = {"category": book.category, "book_id": book.book_id, "quantity": quantity, **fields}
    return client.post("/cart/add/", data, follow=follow, **SAME_ORIGIN)


def cart_of(owner):
    """The stored cart item of ``owner`` (a user id or an anonymous cart id), or None."""
    from store.cart.models import Cart

    try:
        return Cart.get(owner, "active", consistent_read=True)
    except Cart.DoesNotExist:
        return None


def review_checkout(client, address=ADDRESS):
    """Submit the address step; returns the review page's response."""
    response = client.post("/checkout/", address)
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def place_form(review_response):
    """The hidden fields of the review page's "Place order" form."""
    form = review_response.context["form"]
    return {name: form[name].value() for name in form.fields}


# --- Search and the JSON API (store/search/, store/api/) ------------------------------------


@pytest.fixture
def make_indexed_book(make_book):
    """Save a book and deliver the stream, so the search index (and every other
    projection) has it: ``make_indexed_book(title="Dune", author="Frank Herbert")``."""
    from cloudshelf.streams.local import deliver_pending

    def make(**fields):
        book = make_book(**fields)
        deliver_pending()
        return book

    return make


@pytest.fixture
def indexed_seed_books(seed_books):
    """The seed document's three books, with the stream delivered (indexed for search)."""
    from cloudshelf.streams.local import deliver_pending

    deliver_pending()
    return seed_books


# --- Staff pages (store/staff) -------------------------------------------------------------


@pytest.fixture
def make_order_record(tables):
    """Save an order item as order placement would: ``make_order_record(user_id="u1",
    order_date="2025-09-05", total=Decimal("52.42"), status="confirmed")``."""
    from decimal import Decimal

    from cloudshelf.dynamo import utcnow
    from store.orders.models import Address, Order, OrderLine

    counter = iter(range(1, 100000))

    def make(**fields):
        number = next(counter)
        total = Decimal(fields.pop("total", "52.42"))
        values = {
            "user_id": "user-staff-test",
            "order_id": f"order-test-{number:05d}",
            "order_date": utcnow().date().isoformat(),
            "items": [
                OrderLine(
                    book_id="tech-001",
                    category="Technology",
                    title="Clean Code",
                    price=Decimal("42.99"),
                    quantity=1,
                )
            ],
            "subtotal": Decimal("42.99"),
            "tax": Decimal("3.44"),
            "shipping": Decimal("5.99"),
            "total": total,
            "status": "confirmed",
            "shipping_address": Address(
                street="123 Main St", city="Anytown", state="ST", postal_code="12345"
            ),
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        values.update(fields)
        order = Order(**values)
        order.save()
        return order

    return make


# --- The event backbone (cloudshelf/streams/) ----------------------------------------------


class StreamDelivery:
    """Stream records delivered when a test says so, never by sleeping."""

    def __init__(self):
        self.delivered = []  # every Change delivered so far, in order

    def deliver(self):
        """Deliver every record written so far to the projections; returns how many."""
        from cloudshelf.streams.local import deliver_pending

        return deliver_pending(collect=self.delivered)

    def redeliver(self, changes=None):
        """Deliver ``changes`` (default: all delivered so far) again, as a retried batch,
        a duplicate or a late record would be. Returns the dispatcher's outcome."""
        from cloudshelf.streams.dispatcher import dispatch

        return dispatch(list(self.delivered if changes is None else changes))


@pytest.fixture
def streams(tables):
    """``streams.deliver()`` runs the projections on what the test wrote so far."""
    delivery = StreamDelivery()
    delivery.deliver()  # whatever the tables' set-up left behind
    delivery.delivered.clear()
    return delivery
