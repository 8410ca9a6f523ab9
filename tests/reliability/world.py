"""The small store that the hostile-input and security tests share (one per module):
books with a cover, a shopper and a staff member signed in, each with an order and a cart
line."""

from decimal import Decimal

from cloudshelf.dynamo import utcnow
from tests.conftest import PASSWORD, reset_emulator
from tests.reliability.sitemap import build_world


def store_reset():
    from cloudshelf.tables import covers_bucket_ensure, tables_create

    reset_emulator()
    tables_create()
    covers_bucket_ensure()


def books_make():
    from store.catalog.covers import cover_key, cover_store, generated_cover
    from store.catalog.models import Book
    from store.sample_catalog import SEED_BOOKS, SEED_TIMESTAMP

    books = [Book(**b, created_at=SEED_TIMESTAMP, updated_at=SEED_TIMESTAMP) for b in SEED_BOOKS]
    books.append(
        Book(
            category="Technology",
            book_id="tech-last",
            title="The Last Copy",
            author="Ada Tester",
            isbn="9780000000002",
            price=Decimal("9.99"),
            stock_quantity=1,
            description="Only one left.",
            created_at=utcnow(),
            updated_at=utcnow(),
        )
    )
    books.append(
        Book(
            category="Technology",
            book_id="tech-gone",
            title="Long Gone",
            author="Ada Tester",
            isbn="9780000000002",
            price=Decimal("5.00"),
            stock_quantity=0,
            description="Sold out.",
            created_at=utcnow(),
            updated_at=utcnow(),
        )
    )
    content = generated_cover("Clean Code", "Robert C. Martin")
    books[1].image_key = cover_store(cover_key(books[1].book_id, content), content)
    for book in books:
        book.save()
    return books


def users_make(prefix="world"):
    from accounts.services import user_create

    counter = iter(range(1, 1000))

    def make(**fields):
        values = {
            "email": f"{prefix}{next(counter)}@example.com",
            "password": PASSWORD,
            "first_name": "Sam",
            "last_name": "Shopper",
            **fields,
        }
        return user_create(**values)

    return make


ADDRESS = {
    "street": "1 World Street",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "country": "US",
}


def shop(client, *, books=(("Technology", "tech-001"), ("Fiction", "fic-001")), address=ADDRESS):
    """Through the site's own pages: buy the first book, then leave the second in the
    cart. Returns the order id."""
    from tests.reliability.harness import form_with, forms_of

    (category, book_id), (cart_category, cart_book) = books
    origin = {"HTTP_ORIGIN": "http://testserver"}
    added = client.post(
        "/cart/add/", {"category": category, "book_id": book_id, "quantity": 1}, **origin
    )
    assert added.status_code == 302, added.status_code
    page = client.get("/checkout/")
    form = form_with(forms_of(page.content.decode(), "/checkout/"), field="street")
    review = client.post(form.action, {**form.fields, **address})
    assert review.status_code == 200, review.content.decode()[:300]
    place = form_with(forms_of(review.content.decode(), "/checkout/"), action_contains="/place")
    placed = client.post(place.action, place.fields)
    assert placed.status_code == 302 and "/orders/" in placed["Location"], placed
    client.post(
        "/cart/add/", {"category": cart_category, "book_id": cart_book, "quantity": 1}, **origin
    )
    return placed["Location"].split("/orders/")[1].split("/")[0]


def world_sign_in(client, user):
    """Sign in through the site's pages. With Cognito, a staff member turns TOTP on the
    first time (as the staff pages require) and answers the code step after that."""
    from accounts.identity import is_cognito
    from accounts.models import User
    from tests.cognito_fixtures import totp_now

    response = client.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    if response["Location"] == "/accounts/sign-in/code/":
        answered = client.post("/accounts/sign-in/code/", {"code": totp_now()})
        assert answered.status_code == 302, answered.content.decode()[:300]
    elif is_cognito() and user.is_staff and not User.get(user.user_id).totp_enabled:
        client.post("/accounts/two-factor/", {"step": "start", "password": PASSWORD})
        enabled = client.post(
            "/accounts/two-factor/",
            {"step": "enable", "password": PASSWORD, "code": totp_now()},
        )
        assert enabled.status_code == 302, enabled.content.decode()[:300]
    return client


def shop_in_world(world):
    for role in ("shopper", "staff"):
        shop(world.clients[role])


def promotion_in_world(world):
    """A discount code, made by staff, and on the shopper's cart."""
    from decimal import Decimal

    from store.promotions.services import PromotionFields, cart_discount_apply, promotion_create

    promotion_create(
        actor=world.users["staff"],
        code="WORLD10",
        values=PromotionFields(kind="percent", value=Decimal("10")),
    )
    cart_discount_apply(owner=world.users["shopper"].user_id, code="WORLD10")


# What every world holds besides books and users: each role's order and cart line, a code.
ENRICH = [shop_in_world, promotion_in_world]


def world_make(*, extra_books=(), user_fields=None, crawl_site=True, enrich=()):
    """A fresh store: the standard books plus ``extra_books`` (dicts of Book fields), the
    world's users made with ``user_fields`` (first_name, last_name, ...)."""
    from store.catalog.models import Book

    store_reset()
    books_make()
    for fields in extra_books:
        Book(
            **{
                "isbn": "9780000000002",
                "price": Decimal("10.00"),
                "stock_quantity": 10,
                "created_at": utcnow(),
                "updated_at": utcnow(),
                **fields,
            }
        ).save()
    make = users_make()
    if user_fields:
        plain = make
        make = lambda **fields: plain(**{**fields, **user_fields})  # noqa: E731
    return build_world(make, world_sign_in, enrich=[*ENRICH, *enrich], crawl_site=crawl_site)


def benign_change(change):
    """A change that a refused request may legitimately make: a throttle's count of
    failed attempts (a wrong password is refused, and must be counted)."""
    from django.conf import settings

    table = change[1]
    return table == getattr(settings, "THROTTLES_TABLE_NAME", None)
