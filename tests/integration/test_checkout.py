"""Checkout and orders against the emulator: one transaction per order, no overselling, no
double orders, cancellations that restock exactly once, and what each page costs."""

import re
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User, UserAddress
from cloudshelf.dynamo import utcnow
from store.cart import services as cart_services
from store.cart.models import Cart, CartLine
from store.catalog.models import Book
from store.orders import selectors, services
from store.orders.models import Address, Order, OrderLine
from tests.conftest import ADDRESS, cart_of, place_form, review_checkout, sign_in
from tests.payments_fixtures import card, pay, pay_orders_of


def fill_cart(user, *books_and_quantities):
    for book, quantity in books_and_quantities:
        cart_services.cart_item_add(
            owner=user.user_id, category=book.category, book_id=book.book_id, quantity=quantity
        )


def place(user):
    """Review and place the user's cart through the services, and pay for the order with
    the success card, as the pages do."""
    review = selectors.checkout_review_get(user_id=user.user_id)
    assert review.quote is not None, review.problems
    placed = services.order_place(user=user, shipping_address=ADDRESS, quote=review.quote)
    if placed.created:
        placed.order = pay(placed.order)
    return placed


def stock_of(book):
    return Book.get(book.category, book.book_id, consistent_read=True).stock_quantity


def orders_of(user):
    return list(Order.query(user.user_id, consistent_read=True))


def run_together(functions):
    """Run the functions in threads released at the same moment; return results or errors."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        barrier.wait()
        try:
            results[index] = function()
        except Exception as error:  # noqa: BLE001  (the test inspects it)
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def clean_code(seed_books):
    return next(book for book in seed_books if book.title == "Clean Code")


# --- the pages ---------------------------------------------------------------------------


def test_anonymous_checkout_goes_to_sign_in_and_comes_back(client, tables):
    response = client.get("/checkout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=%2Fcheckout%2F"


def test_anonymous_place_order_goes_to_sign_in(client, tables):
    response = client.post("/checkout/place/", ADDRESS)
    assert response["Location"] == "/accounts/sign-in/?next=%2Fcheckout%2F"


def test_checkout_of_an_empty_cart_goes_back_to_the_cart(shopper_client):
    response = shopper_client.get("/checkout/")
    assert response["Location"] == "/cart/"


def test_address_is_prefilled_from_the_profile(shopper_client, clean_code):
    user = shopper_client.user
    user.update(
        actions=[
            User.address.set(
                UserAddress(
                    street="1 Elm Row",
                    city="Edinburgh",
                    state="Lothian",
                    postal_code="EH7 4AA",
                    country="GB",
                )
            )
        ]
    )
    fill_cart(user, (clean_code, 1))
    body = shopper_client.get("/checkout/").content.decode()
    for value in ("1 Elm Row", "Edinburgh", "Lothian", "EH7 4AA", "GB"):
        assert f'value="{value}"' in body


def test_a_bad_address_is_shown_again_with_its_errors(shopper_client, clean_code):
    fill_cart(shopper_client.user, (clean_code, 1))
    response = shopper_client.post(
        "/checkout/", {**ADDRESS, "postal_code": "<script>", "city": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="123 Main St"' in body and "Enter a postal code" in body
    assert "This field is required." in body


def test_review_page_shows_lines_amounts_and_address(shopper_client, clean_code):
    fill_cart(shopper_client.user, (clean_code, 1))
    body = review_checkout(shopper_client).content.decode()
    for text in (
        "Clean Code",
        "$42.99",
        "$3.44",
        "$5.99",
        "$52.42",
        "123 Main St",
        "Place order",
        "csrfmiddlewaretoken",
    ):
        assert text in body, text


def test_placing_an_order_lands_on_its_payment_then_its_confirmation(shopper_client, clean_code):
    fill_cart(shopper_client.user, (clean_code, 1))
    response = shopper_client.post(
        "/checkout/place/", place_form(review_checkout(shopper_client)), follow=True
    )
    order = orders_of(shopper_client.user)[0]
    assert response.redirect_chain[-1][0] == f"/orders/{order.order_id}/pay/"
    assert "Pay $52.42" in response.content.decode()
    response = shopper_client.post(
        f"/orders/{order.order_id}/pay/", {"payment_method": card()}, follow=True
    )
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/orders/{order.order_id}/confirmation/"
    assert f"Your order number is <strong>{order.number}</strong>" in body
    assert "$52.42" in body


def test_the_seeds_worked_example(shopper_client, clean_code):
    fill_cart(shopper_client.user, (clean_code, 1))
    shopper_client.post("/checkout/place/", place_form(review_checkout(shopper_client)))
    [order] = orders_of(shopper_client.user)
    assert (order.subtotal, order.tax, order.shipping, order.total) == (
        Decimal("42.99"),
        Decimal("3.44"),
        Decimal("5.99"),
        Decimal("52.42"),
    )


def test_order_is_written_in_the_seeds_shape(shopper_client, clean_code):
    fill_cart(shopper_client.user, (clean_code, 2))
    shopper_client.post("/checkout/place/", place_form(review_checkout(shopper_client)))
    [order] = orders_of(shopper_client.user)
    assert order.status == "awaiting_payment"
    order = pay(order)
    assert order.user_id == shopper_client.user.user_id
    assert order.status == "confirmed"
    assert order.order_date == utcnow().strftime("%Y-%m-%d")
    assert [(line.book_id, line.title, line.price, line.quantity) for line in order.items] == [
        ("tech-001", "Clean Code", Decimal("42.99"), 2)
    ]
    assert order.shipping_address.as_dict() == ADDRESS
    assert order.created_at and order.updated_at
    # staff find it by date through OrderDateIndex
    assert [o.order_id for o in Order.order_date_index.query(order.order_date)] == [order.order_id]


def test_placing_takes_the_stock_and_empties_the_cart(shopper_client, clean_code):
    fill_cart(shopper_client.user, (clean_code, 3))
    response = shopper_client.post(
        "/checkout/place/", place_form(review_checkout(shopper_client)), follow=True
    )
    assert stock_of(clean_code) == 25 - 3
    assert cart_of(shopper_client.user.user_id) is None
    assert '<span class="nav-cart__count">0</span>' in response.content.decode()


def test_order_ids_sort_by_time_and_numbers_are_short(make_user, make_book):
    user, book = make_user(), make_book(stock_quantity=10)
    fill_cart(user, (book, 1))
    order = place(user).order
    match = re.fullmatch(r"order-(\d{8}-\d{6})-([2-9A-HJ-NP-Z]{8})", order.order_id)
    assert match, order.order_id
    stamp = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    assert abs(stamp - utcnow()) < timedelta(minutes=1)
    assert order.number == f"{match.group(1)[2:8]}-{match.group(2)}"


# --- not placed: the cart stays as it was ---------------------------------------------------


def test_all_or_nothing_when_one_of_several_books_runs_out(shopper_client, make_book):
    first, scarce, third = (
        make_book(title="First"),
        make_book(title="Scarce", stock_quantity=2),
        make_book(title="Third"),
    )
    user = shopper_client.user
    fill_cart(user, (first, 1), (scarce, 2), (third, 3))
    form = place_form(review_checkout(shopper_client))
    before = cart_of(user.user_id)
    scarce.update(actions=[Book.stock_quantity.set(1)])  # someone else bought one
    response = shopper_client.post("/checkout/place/", form, follow=True)
    assert "Only 1 copy of “Scarce” is left; your cart has 2." in response.content.decode()
    assert orders_of(user) == []
    assert [stock_of(b) for b in (first, scarce, third)] == [10, 1, 10]
    after = cart_of(user.user_id)
    assert (after.version, after.items.__len__()) == (before.version, 3)


def test_a_book_that_sells_out_between_the_check_and_the_write_stops_the_order(
    make_user, make_book, monkeypatch
):
    """The transaction's own stock condition, not only the read before it, refuses."""
    user = make_user()
    first, last = make_book(title="First"), make_book(title="Last copy", stock_quantity=1)
    fill_cart(user, (first, 1), (last, 1))
    review = selectors.checkout_review_get(user_id=user.user_id)
    real_books_get = services.books_get

    def books_get_then_someone_buys(**kwargs):
        books = real_books_get(**kwargs)
        Book(last.category, last.book_id).update(actions=[Book.stock_quantity.set(0)])
        return books

    monkeypatch.setattr(services, "books_get", books_get_then_someone_buys)
    with pytest.raises(services.OrderNotPlaced) as caught:
        services.order_place(user=user, shipping_address=ADDRESS, quote=review.quote)
    assert caught.value.problems == ["“Last copy” is sold out. Please remove it from your cart."]
    assert orders_of(user) == [] and stock_of(first) == 10
    assert len(cart_of(user.user_id).items) == 2


def test_a_price_change_between_review_and_click_stops_the_order(shopper_client, make_book):
    book = make_book(title="Dune", price=Decimal("20.00"))
    user = shopper_client.user
    fill_cart(user, (book, 1))
    form = place_form(review_checkout(shopper_client))
    before = cart_of(user.user_id)
    book.update(actions=[Book.price.set(Decimal("24.00"))])
    response = shopper_client.post("/checkout/place/", form, follow=True)
    assert "The price of “Dune” changed from $20.00 to $24.00." in response.content.decode()
    assert orders_of(user) == [] and stock_of(book) == 10
    assert cart_of(user.user_id).version == before.version


def test_a_book_hidden_by_staff_after_review_is_not_sold(shopper_client, make_book):
    book = make_book(title="Withdrawn")
    fill_cart(shopper_client.user, (book, 1))
    form = place_form(review_checkout(shopper_client))
    book.update(actions=[Book.hidden.set(True)])
    response = shopper_client.post("/checkout/place/", form, follow=True)
    assert "“Withdrawn” is no longer available" in response.content.decode()
    assert orders_of(shopper_client.user) == [] and stock_of(book) == 10


def test_a_cart_changed_after_review_is_not_ordered_unseen(shopper_client, make_book):
    book, other = make_book(), make_book()
    user = shopper_client.user
    fill_cart(user, (book, 1))
    form = place_form(review_checkout(shopper_client))
    fill_cart(user, (other, 1))  # another tab adds a book
    response = shopper_client.post("/checkout/place/", form, follow=True)
    assert "Your cart changed since you reviewed your order" in response.content.decode()
    assert orders_of(user) == [] and len(cart_of(user.user_id).items) == 2


def test_a_tampered_quote_is_refused(shopper_client, make_book):
    fill_cart(shopper_client.user, (make_book(), 1))
    form = place_form(review_checkout(shopper_client))
    response = shopper_client.post(
        "/checkout/place/", {**form, "quote": form["quote"] + "x"}, follow=True
    )
    assert "review your order again" in response.content.decode()
    assert orders_of(shopper_client.user) == []


def test_another_shoppers_quote_is_refused(client, make_user, make_book):
    alice, bob = make_user(), make_user()
    fill_cart(alice, (make_book(), 1))
    alice_client = sign_in(Client(), alice)
    form = place_form(review_checkout(alice_client))
    sign_in(client, bob)
    fill_cart(bob, (make_book(), 1))
    client.post("/checkout/place/", form)
    assert orders_of(alice) == [] and orders_of(bob) == []


def _big_cart(user, lines):
    now = utcnow()
    books = [
        Book(
            category="Technology",
            book_id=f"many-{n:03d}",
            title=f"Book {n}",
            author="A",
            isbn="9780000000002",
            price=Decimal("1.00"),
            stock_quantity=5,
            created_at=now,
            updated_at=now,
        )
        for n in range(lines)
    ]
    with Book.batch_write() as batch:
        for book in books:
            batch.save(book)
    Cart(
        user.user_id,
        "active",
        items=[
            CartLine(
                book_id=b.book_id, category=b.category, title=b.title, price=b.price, quantity=1
            )
            for b in books
        ],
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=1),
        cart_ref="big",
    ).save()
    return books


def test_checkout_lines_are_capped_at_one_transaction(make_user):
    user = make_user()
    _big_cart(user, 99)
    review = selectors.checkout_review_get(user_id=user.user_id)
    assert review.quote is None
    assert review.problems == [("An order can hold at most 98 different books; your cart has 99.")]


def test_an_order_of_98_books_fits_one_transaction(make_user):
    user = make_user()
    books = _big_cart(user, 98)
    order = place(user).order
    assert len(order.items) == 98 and order.subtotal == Decimal("98.00")
    assert {stock_of(book) for book in books[::10]} == {4}


# --- races -------------------------------------------------------------------------------------


def test_thirty_shoppers_racing_for_five_copies_give_five_orders(make_user, make_book, streams):
    book = make_book(title="Rare Book", stock_quantity=5)
    shoppers = [make_user() for _ in range(30)]
    quotes = {}
    for user in shoppers:
        fill_cart(user, (book, 1))
        quotes[user.user_id] = selectors.checkout_review_get(user_id=user.user_id).quote
    carts_before = {user.user_id: cart_of(user.user_id) for user in shoppers}

    results = run_together(
        [
            (
                lambda user=user: services.order_place(
                    user=user, shipping_address=ADDRESS, quote=quotes[user.user_id]
                )
            )
            for user in shoppers
        ]
    )

    placed = [r for r in results if isinstance(r, services.PlacedOrder)]
    refused = [r for r in results if isinstance(r, services.OrderNotPlaced)]
    assert len(placed) == 5 and len(refused) == 25, results
    assert stock_of(book) == 0
    assert sum(len(orders_of(user)) for user in shoppers) == 5
    for user, result in zip(shoppers, results, strict=False):
        if isinstance(result, services.OrderNotPlaced):
            assert "“Rare Book”" in result.problems[0]
            assert "sold out" in result.problems[0]
            kept = cart_of(user.user_id)
            assert kept.version == carts_before[user.user_id].version
            assert [(line.book_id, line.quantity) for line in kept.items] == [(book.book_id, 1)]
    # The five pay; nothing was charged for the 25 refusals (their intents are cancelled).
    for result in placed:
        assert pay(result.order).payment_status == "paid"
    streams.deliver()
    assert len(mail.outbox) == 5


def test_a_double_click_gives_one_order(shopper_client, clean_code, streams):
    fill_cart(shopper_client.user, (clean_code, 1))
    form = place_form(review_checkout(shopper_client))
    first = shopper_client.post("/checkout/place/", form)
    second = shopper_client.post("/checkout/place/", form, follow=True)
    [order] = orders_of(shopper_client.user)
    assert first["Location"] == f"/orders/{order.order_id}/pay/"
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "already been placed" in second.content.decode()
    assert stock_of(clean_code) == 24
    pay(order)
    streams.deliver()
    assert len(mail.outbox) == 1


def test_a_resubmit_after_shopping_on_lands_on_the_first_order(
    shopper_client, clean_code, make_book
):
    fill_cart(shopper_client.user, (clean_code, 1))
    form = place_form(review_checkout(shopper_client))
    first = shopper_client.post("/checkout/place/", form)
    fill_cart(shopper_client.user, (make_book(), 1))  # a new cart
    again = shopper_client.post("/checkout/place/", form)
    assert again["Location"] == first["Location"]
    assert len(orders_of(shopper_client.user)) == 1
    assert len(cart_of(shopper_client.user.user_id).items) == 1


def test_concurrent_submits_of_one_checkout_give_one_order(make_user, make_book, streams):
    user, book = make_user(), make_book(stock_quantity=10)
    fill_cart(user, (book, 2))
    quote = selectors.checkout_review_get(user_id=user.user_id).quote
    results = run_together(
        [
            lambda: services.order_place(user=user, shipping_address=ADDRESS, quote=quote)
            for _ in range(4)
        ]
    )
    assert all(isinstance(r, services.PlacedOrder) for r in results), results
    assert [r.created for r in results].count(True) == 1
    assert len({r.order.order_id for r in results}) == 1
    assert len(orders_of(user)) == 1 and stock_of(book) == 8
    pay_orders_of(user.user_id)
    streams.deliver()
    assert len(mail.outbox) == 1


# --- email -----------------------------------------------------------------------------------


def test_confirmation_email_is_sent_once_with_the_order(shopper_client, clean_code, streams):
    fill_cart(shopper_client.user, (clean_code, 1))
    form = place_form(review_checkout(shopper_client))
    shopper_client.post("/checkout/place/", form)
    shopper_client.post("/checkout/place/", form)
    [order] = orders_of(shopper_client.user)
    streams.deliver()
    assert mail.outbox == []  # not before the payment
    order = pay(order)
    assert mail.outbox == []  # sent by the orders stream, not by the request
    streams.deliver()
    [message] = mail.outbox
    assert message.to == [shopper_client.user.email]
    assert order.number in message.subject
    for text in ("Clean Code", "$52.42", "123 Main St"):
        assert text in message.body


# --- history and order pages -------------------------------------------------------------------


def make_order(user, *, minutes_ago, status="confirmed", book=None, quantity=1):
    created = utcnow() - timedelta(minutes=minutes_ago)
    line = OrderLine(
        book_id=book.book_id if book else "tech-001",
        category=book.category if book else "Technology",
        title=book.title if book else "Clean Code",
        price=book.price if book else Decimal("42.99"),
        quantity=quantity,
    )
    order = Order(
        user.user_id,
        f"order-{created:%Y%m%d-%H%M%S}-ABCDEFGH",
        order_date=created.strftime("%Y-%m-%d"),
        items=[line],
        subtotal=Decimal("42.99"),
        tax=Decimal("3.44"),
        shipping=Decimal("5.99"),
        total=Decimal("52.42"),
        status=status,
        shipping_address=Address(**ADDRESS),
        created_at=created,
        updated_at=created,
    )
    order.save()
    return order


def test_history_lists_orders_newest_first_across_pages(shopper_client, settings):
    settings.ORDERS_PAGE_SIZE = 2
    made = [make_order(shopper_client.user, minutes_ago=m) for m in (50, 10, 30, 40, 20)]
    newest_first = [o.order_id for o in sorted(made, key=lambda o: o.created_at, reverse=True)]
    seen, url = [], "/orders/"
    for _ in range(4):
        response = shopper_client.get(url)
        seen += [o.order_id for o in response.context["orders"]]
        if not response.context["next_token"]:
            break
        url = f"/orders/?page={response.context['next_token']}"
    assert seen == newest_first


def test_history_shows_date_number_status_and_total(shopper_client):
    order = make_order(shopper_client.user, minutes_ago=5, status="shipped")
    body = shopper_client.get("/orders/").content.decode()
    for text in (order.number, "Shipped", "$52.42", order.created_at.strftime("%b %-d, %Y")):
        assert text in body, text


def test_history_costs_two_queries(shopper_client, dynamodb_requests):
    make_order(shopper_client.user, minutes_ago=5)
    dynamodb_requests.clear()
    shopper_client.get("/orders/")
    # session, user; the orders, and those placed as a guest with the account's email
    assert dict(dynamodb_requests) == {"GetItem": 2, "Query": 2}
    dynamodb_requests.clear()
    shopper_client.get("/orders/?page=" + "x")  # a later page: no guest orders
    assert dynamodb_requests.get("Query", 0) <= 1


def test_another_shoppers_page_token_is_refused(shopper_client, make_user, settings):
    settings.ORDERS_PAGE_SIZE = 1
    other = sign_in(Client(), make_user())
    for minutes in (1, 2):
        make_order(shopper_client.user, minutes_ago=minutes)
    token = shopper_client.get("/orders/").context["next_token"]
    assert other.get("/orders/", {"page": token}).status_code == 400


def test_order_page_shows_lines_address_amounts_and_status(shopper_client):
    order = make_order(shopper_client.user, minutes_ago=5)
    body = shopper_client.get(f"/orders/{order.order_id}/").content.decode()
    for text in (
        "Clean Code",
        "123 Main St",
        "$42.99",
        "$3.44",
        "$5.99",
        "$52.42",
        "Confirmed",
        "Cancel this order",
    ):
        assert text in body, text


def test_another_shoppers_order_is_a_404(shopper_client, make_user):
    order = make_order(make_user(), minutes_ago=5)
    for url in (f"/orders/{order.order_id}/", f"/orders/{order.order_id}/confirmation/"):
        assert shopper_client.get(url).status_code == 404, url
    assert shopper_client.post(f"/orders/{order.order_id}/cancel/").status_code == 404
    assert Order.get(order.user_id, order.order_id).status == "confirmed"


@pytest.mark.parametrize("order_id", ["nope", "x" * 300, "../../etc", "order%00"])
def test_unknown_order_ids_are_404(shopper_client, order_id):
    assert shopper_client.get(f"/orders/{order_id}/").status_code == 404


def test_order_pages_need_sign_in(client, tables):
    assert client.get("/orders/")["Location"].startswith("/accounts/sign-in/")


# --- cancel and status ---------------------------------------------------------------------


def test_shopper_cancels_a_confirmed_order_and_the_stock_comes_back(shopper_client, clean_code):
    fill_cart(shopper_client.user, (clean_code, 3))
    shopper_client.post("/checkout/place/", place_form(review_checkout(shopper_client)))
    [order] = orders_of(shopper_client.user)
    pay(order)
    response = shopper_client.post(f"/orders/{order.order_id}/cancel/", follow=True)
    assert "Your order was cancelled" in response.content.decode()
    assert orders_of(shopper_client.user)[0].status == "cancelled"
    assert stock_of(clean_code) == 25


def test_two_concurrent_cancels_restore_the_stock_once(make_user, make_book):
    user, book = make_user(), make_book(stock_quantity=10)
    fill_cart(user, (book, 4))
    order = place(user).order
    assert stock_of(book) == 6
    results = run_together(
        [
            lambda: services.order_cancel(user_id=user.user_id, order_id=order.order_id)
            for _ in range(2)
        ]
    )
    assert sum(isinstance(r, Order) for r in results) == 1
    assert sum(isinstance(r, services.OrderStatusConflict) for r in results) == 1
    assert stock_of(book) == 10


def test_a_shipped_order_cannot_be_cancelled(shopper_client, make_book):
    book = make_book(stock_quantity=10)
    order = make_order(shopper_client.user, minutes_ago=1, status="shipped", book=book)
    body = shopper_client.get(f"/orders/{order.order_id}/").content.decode()
    assert "Cancel this order" not in body
    response = shopper_client.post(f"/orders/{order.order_id}/cancel/", follow=True)
    assert "only a confirmed order can be cancelled" in response.content.decode()
    assert stock_of(book) == 10


def test_status_moves_confirmed_shipped_delivered(make_user):
    user = make_user()
    order = make_order(user, minutes_ago=1)
    services.order_status_change(user_id=user.user_id, order_id=order.order_id, status="shipped")
    services.order_status_change(user_id=user.user_id, order_id=order.order_id, status="delivered")
    assert Order.get(user.user_id, order.order_id).status == "delivered"


@pytest.mark.parametrize(
    "start,target",
    [
        ("confirmed", "delivered"),
        ("shipped", "confirmed"),
        ("delivered", "shipped"),
        ("cancelled", "shipped"),
        ("shipped", "cancelled"),
        ("confirmed", "lost"),
    ],
)
def test_status_cannot_jump_or_go_back(make_user, start, target):
    user = make_user()
    order = make_order(user, minutes_ago=1, status=start)
    with pytest.raises(services.OrderStatusConflict):
        services.order_status_change(user_id=user.user_id, order_id=order.order_id, status=target)
    assert Order.get(user.user_id, order.order_id).status == start


def test_staff_cancel_through_the_status_service_restocks(make_user, make_book):
    user, book = make_user(), make_book(stock_quantity=10)
    fill_cart(user, (book, 2))
    order = place(user).order
    services.order_status_change(user_id=user.user_id, order_id=order.order_id, status="cancelled")
    assert stock_of(book) == 10


def test_cancelling_an_order_whose_book_was_deleted_still_cancels(make_user, make_book):
    user, kept, gone = make_user(), make_book(stock_quantity=10), make_book(stock_quantity=10)
    fill_cart(user, (kept, 1), (gone, 1))
    order = place(user).order
    gone.delete()
    services.order_cancel(user_id=user.user_id, order_id=order.order_id)
    assert stock_of(kept) == 10
    assert Order.get(user.user_id, order.order_id).status == "cancelled"
    with pytest.raises(Book.DoesNotExist):
        Book.get(gone.category, gone.book_id)


# --- request budgets ---------------------------------------------------------------------------


def test_placing_costs_the_cart_one_batch_get_and_one_transaction(
    shopper_client, clean_code, dynamodb_requests
):
    fill_cart(shopper_client.user, (clean_code, 1))
    form = place_form(review_checkout(shopper_client))
    dynamodb_requests.clear()
    shopper_client.post("/checkout/place/", form)
    # the session, the user, the cart, the payment time limit; the books; the transaction
    assert dict(dynamodb_requests) == {"GetItem": 4, "BatchGetItem": 1, "TransactWriteItems": 1}


def test_review_costs_the_cart_and_one_batch_get(shopper_client, clean_code, dynamodb_requests):
    fill_cart(shopper_client.user, (clean_code, 1))
    dynamodb_requests.clear()
    review_checkout(shopper_client)
    assert dict(dynamodb_requests) == {"GetItem": 3, "BatchGetItem": 1}


def test_address_step_costs_the_cart(shopper_client, clean_code, dynamodb_requests):
    fill_cart(shopper_client.user, (clean_code, 1))
    dynamodb_requests.clear()
    shopper_client.get("/checkout/")
    assert dict(dynamodb_requests) == {"GetItem": 3}


# --- a response lost after the write: botocore retries the same request ----------------------


def lose_first_responses(monkeypatch):
    """From now on each transaction is sent twice, as botocore does when the response to a
    committed request times out: the first commits in the emulator, the caller sees the
    second."""
    from pynamodb.connection.base import Connection

    original = Connection.transact_write_items

    def send_twice(self, *args, **kwargs):
        original(self, *args, **kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Connection, "transact_write_items", send_twice)


def test_an_order_whose_response_was_lost_counts_as_placed_once(
    make_user, make_book, monkeypatch, streams
):
    user, book = make_user(), make_book(stock_quantity=10)
    fill_cart(user, (book, 2))
    lose_first_responses(monkeypatch)
    placed = place(user)
    assert placed.created
    assert [o.order_id for o in orders_of(user)] == [placed.order.order_id]
    assert stock_of(book) == 8 and cart_of(user.user_id) is None
    streams.deliver()
    assert len(mail.outbox) == 1
