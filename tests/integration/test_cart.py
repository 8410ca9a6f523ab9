"""The shopping cart, against the emulator: anonymous and signed-in carts, the merge at
sign-in, the limits, and what each page costs."""

import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from cloudshelf.dynamo import utcnow
from store.cart import services
from store.cart.cookies import ANONYMOUS_ID, anonymous_cart_id
from store.cart.models import Cart, CartLine
from store.catalog.models import Book
from tests.conftest import SAME_ORIGIN, add_to_cart, cart_of, sign_in


def anonymous_id(client):
    """The anonymous cart id that the client's signed cookie carries, read as the app does."""
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return anonymous_cart_id(request)


def header_count(response):
    match = re.search(r'class="nav-cart__count">(\d+)<', response.content.decode())
    return int(match.group(1))


# --- adding ------------------------------------------------------------------------------


def test_anonymous_visitor_gets_a_cart_keyed_by_a_random_id(client, make_book):
    book = make_book(title="Dune", price=Decimal("9.99"))
    response = add_to_cart(client, book, quantity=2)
    assert response.status_code == 302
    owner = anonymous_id(client)
    assert ANONYMOUS_ID.fullmatch(owner)
    cart = cart_of(owner)
    assert [(line.book_id, line.title, line.price, line.quantity) for line in cart.items] == [
        (book.book_id, "Dune", Decimal("9.99"), 2)
    ]


def test_anonymous_add_reads_and_writes_no_session(client, make_book):
    book = make_book()
    add_to_cart(client, book)
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_cart_item_has_the_seeds_shape(client, make_book):
    book = make_book(price=Decimal("42.99"))
    add_to_cart(client, book, quantity=2)
    cart = cart_of(anonymous_id(client))
    assert cart.total_amount == Decimal("85.98") and cart.item_count == 2
    assert cart.items[0].category == book.category
    ttl = cart.expires_at - utcnow()
    assert (
        timedelta(days=settings.CART_TTL_DAYS - 1) < ttl <= timedelta(days=settings.CART_TTL_DAYS)
    )
    assert cart.created_at and cart.updated_at and cart.version == 1


def test_adding_the_same_book_again_adds_up(client, make_book):
    book = make_book()
    add_to_cart(client, book, quantity=2)
    add_to_cart(client, book, quantity=3)
    assert [line.quantity for line in cart_of(anonymous_id(client)).items] == [5]


def test_add_without_a_same_origin_header_is_refused(client, make_book):
    book = make_book()
    response = client.post(
        "/cart/add/",
        {"category": book.category, "book_id": book.book_id, "quantity": 1},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert settings.CART_COOKIE_NAME not in client.cookies


def test_price_comes_from_the_catalog_not_the_request(client, make_book):
    book = make_book(price=Decimal("30.00"))
    add_to_cart(client, book, price="0.01", title="Free book")
    line = cart_of(anonymous_id(client)).items[0]
    assert (line.price, line.title) == (Decimal("30.00"), book.title)


def test_add_goes_back_to_the_page_it_came_from_with_a_message(client, make_book):
    book = make_book(title="Dune")
    page = f"/books/{book.category}/{book.book_id}/"
    response = add_to_cart(client, book, next=page)
    assert response["Location"] == page
    assert "Added a copy of “Dune” to your cart." in client.get(page).content.decode()


def test_add_never_redirects_off_the_site(client, make_book):
    response = add_to_cart(client, make_book(), next="https://evil.example/")
    assert response["Location"] == "/cart/"


def test_sold_out_book_cannot_be_added(client, make_book):
    book = make_book(title="Dune", stock_quantity=0)
    response = add_to_cart(client, book, follow=True)
    assert "“Dune” is sold out." in response.content.decode()
    assert settings.CART_COOKIE_NAME not in client.cookies


def test_book_page_of_a_sold_out_book_has_no_add_form(client, make_book):
    book = make_book(stock_quantity=0)
    body = client.get(f"/books/{book.category}/{book.book_id}/").content.decode()
    assert 'action="/cart/add/"' not in body and "sold out" in body


def test_quantity_above_the_stock_is_refused_with_a_clear_message(client, make_book):
    book = make_book(title="Dune", stock_quantity=3)
    add_to_cart(client, book, quantity=2)
    response = add_to_cart(client, book, quantity=2, follow=True)
    assert "Only 3 copies of “Dune” are left and your cart already has 2." in (
        response.content.decode()
    )
    assert [line.quantity for line in cart_of(anonymous_id(client)).items] == [2]


def test_more_than_the_per_line_limit_is_refused(client, make_book, settings):
    settings.CART_MAX_QUANTITY_PER_LINE = 4
    book = make_book(stock_quantity=50)
    add_to_cart(client, book, quantity=3)
    response = add_to_cart(client, book, quantity=2, follow=True)
    assert "at most 4 copies" in response.content.decode()
    assert [line.quantity for line in cart_of(anonymous_id(client)).items] == [3]


@pytest.mark.parametrize(
    "quantity", ["0", "-1", "11", "1.5", "abc", "", "99999999999999999999", "1e3"]
)
def test_quantity_outside_one_to_the_limit_is_a_400(client, make_book, quantity):
    book = make_book(stock_quantity=50)
    response = add_to_cart(client, book, quantity=quantity)
    assert response.status_code == 400
    assert "copies" in response.content.decode()
    assert settings.CART_COOKIE_NAME not in client.cookies


@pytest.mark.parametrize(
    "fields",
    [{"category": ""}, {"book_id": "x" * 300}, {"category": "a/b"}, {"book_id": "nope-999"}],
)
def test_unknown_or_malformed_book_is_refused_without_a_500(client, make_book, fields):
    book = make_book()
    response = add_to_cart(client, book, **fields)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "not available" in client.get(response["Location"]).content.decode()


def test_hidden_book_cannot_be_added(client, make_book):
    book = make_book(hidden=True)
    response = add_to_cart(client, book, follow=True)
    assert "not available" in response.content.decode()


def test_cart_lines_are_capped(client, make_book, settings):
    settings.CART_MAX_LINES = 2
    first, second, third = make_book(), make_book(), make_book()
    add_to_cart(client, first)
    add_to_cart(client, second)
    response = add_to_cart(client, third, follow=True)
    assert "Your cart is full" in response.content.decode()
    assert len(cart_of(anonymous_id(client)).items) == 2


# --- the catalog pages and the header ------------------------------------------------------


def test_catalog_pages_carry_the_add_form_without_a_csrf_token(client, make_book):
    book = make_book(category="Poetry")
    for url in (f"/books/Poetry/{book.book_id}/", "/category/Poetry/"):
        body = client.get(url).content.decode()
        assert 'action="/cart/add/"' in body, url
        assert "csrfmiddlewaretoken" not in body, url


def test_header_shows_the_number_of_items(client, make_book):
    book, other = make_book(), make_book()
    add_to_cart(client, book, quantity=2)
    add_to_cart(client, other, quantity=1)
    assert header_count(client.get(f"/books/{book.category}/{book.book_id}/")) == 3


def test_header_count_costs_no_dynamodb_request(client, make_book, dynamodb_requests):
    book = make_book()
    add_to_cart(client, book, quantity=2)
    dynamodb_requests.clear()
    response = client.get(f"/books/{book.category}/{book.book_id}/")
    assert header_count(response) == 2
    # the book; its ratings and "also bought" in one BatchGetItem: no cart
    assert dict(dynamodb_requests) == {"GetItem": 1, "BatchGetItem": 1}
    assert "Cookie" in response["Vary"]


def test_forged_count_cookie_is_ignored(client, make_book):
    book = make_book()
    client.cookies[settings.CART_COUNT_COOKIE_NAME] = "anon-x|99"
    assert header_count(client.get(f"/books/{book.category}/{book.book_id}/")) == 0


def test_add_costs_the_book_the_cart_and_one_write(client, make_book, dynamodb_requests):
    book = make_book()
    dynamodb_requests.clear()
    add_to_cart(client, book)
    assert dict(dynamodb_requests) == {"GetItem": 2, "PutItem": 1}


# --- the cart page -----------------------------------------------------------------------------


def test_cart_page_lists_lines_and_amounts(client, seed_books):
    clean_code = next(b for b in seed_books if b.title == "Clean Code")
    add_to_cart(client, clean_code)
    body = client.get("/cart/").content.decode()
    for text in (
        "Clean Code",
        "$42.99",
        "Estimated tax",
        "$3.44",
        "$5.99",
        "$52.42",
        'href="/checkout/"',
        "csrfmiddlewaretoken",
    ):
        assert text in body, text
    assert 'alt=""' in body  # the cover is decorative: the title is beside it


def test_cart_page_costs_the_cart_and_one_batch_get(client, make_book, dynamodb_requests):
    for _ in range(3):
        add_to_cart(client, make_book())
    dynamodb_requests.clear()
    assert client.get("/cart/").status_code == 200
    assert dict(dynamodb_requests) == {"GetItem": 1, "BatchGetItem": 1}


def test_signed_in_cart_page_costs_two_requests_beyond_sign_in(
    shopper_client, make_book, dynamodb_requests
):
    add_to_cart(shopper_client, make_book())
    dynamodb_requests.clear()
    shopper_client.get("/cart/")
    # the session, the user; then the cart and its books; the (empty) saved-for-later list
    assert dict(dynamodb_requests) == {"GetItem": 3, "BatchGetItem": 1, "Query": 1}


def test_empty_cart_page_for_a_new_visitor_reads_nothing(client, tables, dynamodb_requests):
    response = client.get("/cart/")
    assert "Your cart is empty" in response.content.decode()
    assert sum(dynamodb_requests.values()) == 0


def test_cart_page_shows_the_current_price_and_says_it_changed(client, make_book):
    book = make_book(title="Dune", price=Decimal("20.00"))
    add_to_cart(client, book)
    book.update(actions=[Book.price.set(Decimal("25.00"))])
    response = client.get("/cart/")
    body = response.content.decode()
    assert "The price of “Dune” changed from $20.00 to $25.00" in body
    assert response.context["cart"].pricing.subtotal == Decimal("25.00")


def test_cart_page_says_when_a_book_sold_out_and_offers_no_checkout(client, make_book):
    book = make_book(title="Dune")
    add_to_cart(client, book)
    book.update(actions=[Book.stock_quantity.set(0)])
    body = client.get("/cart/").content.decode()
    assert "“Dune” is sold out" in body
    assert 'href="/checkout/"' not in body


def test_changing_a_quantity(client, make_book):
    book = make_book()
    add_to_cart(client, book)
    response = client.post(
        "/cart/update/", {"category": book.category, "book_id": book.book_id, "quantity": 4}
    )
    assert response.status_code == 302
    assert [line.quantity for line in cart_of(anonymous_id(client)).items] == [4]
    assert header_count(client.get("/cart/")) == 4


@pytest.mark.parametrize("quantity", ["0", "11", "two"])
def test_a_bad_quantity_on_the_cart_page_rerenders_it_with_the_error(client, make_book, quantity):
    book = make_book()
    add_to_cart(client, book, quantity=2)
    response = client.post(
        "/cart/update/", {"category": book.category, "book_id": book.book_id, "quantity": quantity}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body and f'value="{quantity}"' in body
    assert [line.quantity for line in cart_of(anonymous_id(client)).items] == [2]


def test_changing_a_quantity_above_the_stock_is_refused(client, make_book):
    book = make_book(title="Dune", stock_quantity=3)
    add_to_cart(client, book)
    response = client.post(
        "/cart/update/",
        {"category": book.category, "book_id": book.book_id, "quantity": 5},
        follow=True,
    )
    assert "Only 3 copies of “Dune” are left" in response.content.decode()
    assert [line.quantity for line in cart_of(anonymous_id(client)).items] == [1]


def test_changing_a_quantity_takes_the_current_price(client, make_book):
    book = make_book(price=Decimal("20.00"))
    add_to_cart(client, book)
    book.update(actions=[Book.price.set(Decimal("25.00"))])
    client.post(
        "/cart/update/", {"category": book.category, "book_id": book.book_id, "quantity": 2}
    )
    assert cart_of(anonymous_id(client)).items[0].price == Decimal("25.00")


def test_removing_a_line(client, make_book):
    book, other = make_book(), make_book()
    add_to_cart(client, book)
    add_to_cart(client, other, quantity=2)
    client.post("/cart/remove/", {"category": book.category, "book_id": book.book_id})
    assert [line.book_id for line in cart_of(anonymous_id(client)).items] == [other.book_id]
    assert header_count(client.get("/cart/")) == 2


def test_cart_page_forms_need_the_csrf_token(make_book):
    client = Client(enforce_csrf_checks=True)
    book = make_book()
    add_to_cart(client, book)
    response = client.post(
        "/cart/remove/", {"category": book.category, "book_id": book.book_id}, **SAME_ORIGIN
    )
    assert response.status_code == 403


# --- expiry ----------------------------------------------------------------------------------


def _run_clock_past_the_ttl(monkeypatch):
    """Make the app's clock run past the cart TTL: carts have expired for the app, while
    the emulator's TTL sweeper (on the real clock) leaves them in the table."""
    later = utcnow() + timedelta(days=settings.CART_TTL_DAYS + 1)
    monkeypatch.setattr("store.cart.selectors.utcnow", lambda: later)


def test_expired_cart_reads_as_empty(client, make_book, monkeypatch):
    book = make_book()
    add_to_cart(client, book)
    owner = anonymous_id(client)
    _run_clock_past_the_ttl(monkeypatch)
    assert cart_of(owner) is not None
    response = client.get("/cart/")
    assert "Your cart is empty" in response.content.decode()
    assert header_count(response) == 0


def test_adding_to_an_expired_cart_starts_a_new_one(client, make_book, monkeypatch):
    old, new = make_book(), make_book()
    add_to_cart(client, old)
    _run_clock_past_the_ttl(monkeypatch)
    add_to_cart(client, new)
    assert [line.book_id for line in cart_of(anonymous_id(client)).items] == [new.book_id]


# --- concurrency --------------------------------------------------------------------------


def test_concurrent_adds_to_one_cart_are_all_kept(make_book):
    books = [make_book() for _ in range(6)]
    owner = "anon-" + "c" * 32
    barrier = threading.Barrier(len(books))
    errors = []

    def add(book):
        barrier.wait()
        try:
            services.cart_item_add(
                owner=owner, category=book.category, book_id=book.book_id, quantity=1
            )
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=add, args=(book,)) for book in books]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    cart = cart_of(owner)
    assert sorted(line.book_id for line in cart.items) == sorted(b.book_id for b in books)
    assert cart.item_count == 6


def test_concurrent_adds_of_one_book_add_up(make_book):
    book = make_book(stock_quantity=50)
    owner = "anon-" + "d" * 32
    barrier = threading.Barrier(5)

    def add():
        barrier.wait()
        services.cart_item_add(
            owner=owner, category=book.category, book_id=book.book_id, quantity=2
        )

    threads = [threading.Thread(target=add) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [line.quantity for line in cart_of(owner).items] == [10]


# --- merge at sign-in ---------------------------------------------------------------------


def test_sign_in_merges_the_anonymous_cart(client, make_user, make_book):
    dune, emma = make_book(title="Dune"), make_book(title="Emma")
    user = make_user()
    add_to_cart(client, dune, quantity=2)
    add_to_cart(client, emma)
    sign_in(client, user)
    cart = cart_of(user.user_id)
    assert sorted((line.title, line.quantity) for line in cart.items) == [("Dune", 2), ("Emma", 1)]


def test_merge_adds_up_quantities_of_the_same_book(client, make_user, make_book):
    dune = make_book(title="Dune", stock_quantity=20)
    user = make_user()
    services.cart_item_add(
        owner=user.user_id, category=dune.category, book_id=dune.book_id, quantity=3
    )
    add_to_cart(client, dune, quantity=4)
    sign_in(client, user)
    assert [line.quantity for line in cart_of(user.user_id).items] == [7]


def test_merge_caps_quantities_at_the_stock_and_says_so(client, make_user, make_book):
    dune = make_book(title="Dune", stock_quantity=5)
    user = make_user()
    services.cart_item_add(
        owner=user.user_id, category=dune.category, book_id=dune.book_id, quantity=3
    )
    add_to_cart(client, dune, quantity=4)
    response = client.post(
        "/accounts/sign-in/",
        {"email": user.email, "password": "correct horse battery staple"},
        follow=True,
    )
    assert [line.quantity for line in cart_of(user.user_id).items] == [5]
    body = response.content.decode()
    assert "Added to your cart from before you signed in: Dune (×4)" in body
    assert "5 in your cart" in body


def test_merge_keeps_a_line_whose_book_sold_out(client, make_user, make_book):
    dune = make_book(title="Dune")
    user = make_user()
    add_to_cart(client, dune)
    dune.update(actions=[Book.stock_quantity.set(0)])
    sign_in(client, user)
    assert [line.title for line in cart_of(user.user_id).items] == ["Dune"]


def test_merge_deletes_the_anonymous_cart_and_its_cookie(client, make_user, make_book):
    user = make_user()
    add_to_cart(client, make_book())
    owner = anonymous_id(client)
    sign_in(client, user)
    assert cart_of(owner) is None
    assert client.cookies[settings.CART_COOKIE_NAME].value == ""


def test_header_count_after_sign_in_is_the_accounts(client, make_user, make_book):
    user = make_user()
    book = make_book(stock_quantity=30)
    services.cart_item_add(
        owner=user.user_id, category=book.category, book_id=book.book_id, quantity=2
    )
    add_to_cart(client, make_book(), quantity=3)
    sign_in(client, user)
    assert header_count(client.get("/cart/")) == 5
    assert header_count(client.get(f"/books/{book.category}/{book.book_id}/")) == 5


def test_signing_out_leaves_an_empty_anonymous_cart(client, make_user, make_book):
    user = make_user()
    book = make_book()
    sign_in(client, user)
    add_to_cart(client, book, quantity=2)
    client.post("/accounts/sign-out/")
    assert header_count(client.get(f"/books/{book.category}/{book.book_id}/")) == 0
    assert "Your cart is empty" in client.get("/cart/").content.decode()


def test_sign_in_without_an_anonymous_cart_keeps_the_accounts_cart(client, make_user, make_book):
    user = make_user()
    book = make_book()
    services.cart_item_add(
        owner=user.user_id, category=book.category, book_id=book.book_id, quantity=2
    )
    sign_in(client, user)
    assert [line.quantity for line in cart_of(user.user_id).items] == [2]


def test_expired_anonymous_cart_is_not_merged(client, make_user, make_book, monkeypatch):
    user = make_user()
    add_to_cart(client, make_book())
    _run_clock_past_the_ttl(monkeypatch)
    sign_in(client, user)
    assert cart_of(user.user_id) is None


def test_merge_racing_with_an_add_to_the_account_loses_nothing(make_user, make_book):
    user = make_user()
    books = [make_book(stock_quantity=40) for _ in range(4)]
    anonymous = "anon-" + "e" * 32
    for book in books[:2]:
        services.cart_item_add(
            owner=anonymous, category=book.category, book_id=book.book_id, quantity=1
        )
    barrier = threading.Barrier(3)

    def merge():
        barrier.wait()
        services.cart_merge(anonymous_owner=anonymous, user_id=user.user_id)

    def add(book):
        barrier.wait()
        services.cart_item_add(
            owner=user.user_id, category=book.category, book_id=book.book_id, quantity=1
        )

    threads = [threading.Thread(target=merge)] + [
        threading.Thread(target=add, args=(book,)) for book in books[2:]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(line.book_id for line in cart_of(user.user_id).items) == sorted(
        b.book_id for b in books
    )
    assert cart_of(anonymous) is None


def test_cart_line_model_keeps_decimal_prices(tables):
    cart = Cart(
        "anon-" + "f" * 32,
        "active",
        items=[CartLine(book_id="b", category="c", title="t", price=Decimal("0.10"), quantity=3)],
        created_at=utcnow(),
        updated_at=utcnow(),
        expires_at=utcnow() + timedelta(days=1),
    )
    cart.save()
    assert cart_of(cart.user_id).items[0].price == Decimal("0.10")


def test_merge_whose_response_was_lost_still_says_what_was_merged(
    make_user, make_book, monkeypatch
):
    """botocore resends a request whose response timed out: the first send merged."""
    from pynamodb.connection.base import Connection

    original = Connection.transact_write_items

    def send_twice(self, *args, **kwargs):
        original(self, *args, **kwargs)
        return original(self, *args, **kwargs)

    user, book = make_user(), make_book(title="Dune")
    anonymous = "anon-" + "a" * 32
    services.cart_item_add(
        owner=anonymous, category=book.category, book_id=book.book_id, quantity=2
    )
    monkeypatch.setattr(Connection, "transact_write_items", send_twice)
    result = services.cart_merge(anonymous_owner=anonymous, user_id=user.user_id)
    assert result.merged == ["Dune (×2)"]
    assert [line.quantity for line in cart_of(user.user_id).items] == [2]
    assert cart_of(anonymous) is None
