"""The small store that the hostile-input and security tests share (one per module):
books with a cover, a shopper and a staff member signed in, and whatever the areas that
have landed add (a cart, an order)."""

from decimal import Decimal

from cloudshelf.dynamo import utcnow
from tests.conftest import PASSWORD, reset_emulator, sign_in
from tests.reliability.sitemap import build_world


def store_reset():
    from cloudshelf.tables import covers_bucket_ensure, tables_create

    reset_emulator()
    tables_create()
    covers_bucket_ensure()


def books_make():
    from store.covers import cover_key, cover_store, generated_cover
    from store.models import Book
    from store.sample_catalog import SEED_BOOKS, SEED_TIMESTAMP

    books = [Book(**b, created_at=SEED_TIMESTAMP, updated_at=SEED_TIMESTAMP)
             for b in SEED_BOOKS]
    books.append(Book(category="Technology", book_id="tech-last", title="The Last Copy",
                      author="Ada Tester", isbn="9780000000002", price=Decimal("9.99"),
                      stock_quantity=1, description="Only one left.", created_at=utcnow(),
                      updated_at=utcnow()))
    books.append(Book(category="Technology", book_id="tech-gone", title="Long Gone",
                      author="Ada Tester", isbn="9780000000002", price=Decimal("5.00"),
                      stock_quantity=0, description="Sold out.", created_at=utcnow(),
                      updated_at=utcnow()))
    content = generated_cover("Clean Code", "Robert C. Martin")
    books[1].image_key = cover_store(cover_key(books[1].book_id, content), content)
    for book in books:
        book.save()
    return books


def users_make():
    from accounts.services import user_create

    counter = iter(range(1, 1000))

    def make(**fields):
        values = {"email": f"world{next(counter)}@example.com", "password": PASSWORD,
                  "first_name": "Sam", "last_name": "Shopper", **fields}
        return user_create(**values)

    return make


# Each landed area adds its own data here (a cart line, an order): see ENRICH.
ENRICH = []


def world_make(*, extra_books=(), user_fields=None):
    """A fresh store: the standard books plus ``extra_books`` (dicts of Book fields), the
    world's users made with ``user_fields`` (first_name, last_name, ...)."""
    from store.models import Book

    store_reset()
    books_make()
    for fields in extra_books:
        Book(**{"isbn": "9780000000002", "price": Decimal("10.00"), "stock_quantity": 10,
                "created_at": utcnow(), "updated_at": utcnow(), **fields}).save()
    make = users_make()
    if user_fields:
        plain = make
        make = lambda **fields: plain(**{**fields, **user_fields})  # noqa: E731
    return build_world(make, sign_in, enrich=ENRICH)


def benign_change(change):
    """A change that a refused request may legitimately make."""
    return False
