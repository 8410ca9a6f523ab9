"""Card payments against the emulator and the suite's localstripe: an order waits for its
payment with its stock reserved, is confirmed only when the server sees the PaymentIntent
succeeded (return or signed webhook, once), for exactly the order's total in cents."""

import pytest

from store.catalog.models import Book
from store.orders.models import Order
from tests.conftest import place_form, review_checkout
from tests.integration.test_promotions import make_code, staff  # noqa: F401 (fixtures)
from tests.payments_fixtures import (
    DECLINED_CARD,
    card,
    intent_at_stripe,
    post_webhook,
    signed,
    succeeded_event,
)


@pytest.fixture
def clean_code(seed_books):
    return next(book for book in seed_books if book.title == "Clean Code")


def order_of(client):
    orders = list(Order.query(client.user.user_id, consistent_read=True))
    assert len(orders) == 1
    return orders[0]


def stock_of(book):
    return Book.get(book.category, book.book_id, consistent_read=True).stock_quantity


@pytest.fixture
def placed(shopper_client, clean_code):
    """The seed's worked order (one Clean Code), placed through the pages."""
    from tests.conftest import add_to_cart

    add_to_cart(shopper_client, clean_code)
    response = shopper_client.post("/checkout/place/", place_form(review_checkout(shopper_client)))
    assert response.status_code == 302
    order = order_of(shopper_client)
    assert response["Location"] == f"/orders/{order.order_id}/pay/"
    return order


def test_placing_an_order_reserves_its_stock_and_leaves_it_awaiting_payment(placed, clean_code):
    assert placed.status == "awaiting_payment"
    assert placed.payment_status == "awaiting"
    assert stock_of(clean_code) == clean_code.stock_quantity - 1
    assert placed.payment_intent_id.startswith("pi_")


def test_the_seed_order_charges_exactly_5242_cents(shopper_client, placed):
    assert placed.amount_cents == 5242
    intent = intent_at_stripe(placed.payment_intent_id)
    assert (intent.amount, intent.currency) == (5242, "usd")
    assert intent.metadata == {"order_id": placed.order_id, "user_id": placed.user_id}

    response = shopper_client.post(f"/orders/{placed.order_id}/pay/", {"payment_method": card()})

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{placed.order_id}/confirmation/"
    order = order_of(shopper_client)
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    assert intent_at_stripe(order.payment_intent_id).status == "succeeded"


def test_the_payment_page_shows_the_amount_and_loads_stripe_js_from_localstripe(
    shopper_client, placed
):
    from django.conf import settings

    response = shopper_client.get(f"/orders/{placed.order_id}/pay/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pay $52.42" in page
    assert f'src="{settings.STRIPE_JS_URL}"' in page
    policy = response["Content-Security-Policy"]
    origin = settings.STRIPE_API_BASE
    assert f"script-src 'self' {origin}" in policy
    assert f"connect-src 'self' {origin}" in policy
    # Every other page keeps the strict policy.
    assert origin not in shopper_client.get("/orders/")["Content-Security-Policy"]


def test_a_declined_card_says_so_releases_the_stock_and_another_card_pays(
    shopper_client, placed, clean_code
):
    response = shopper_client.post(
        f"/orders/{placed.order_id}/pay/", {"payment_method": card(DECLINED_CARD)}
    )
    assert response.status_code == 402
    page = response.content.decode()
    assert "Your card was declined" in page
    assert "Try another card" in page
    order = order_of(shopper_client)
    assert (order.status, order.payment_status) == ("payment_failed", "failed")
    assert stock_of(clean_code) == clean_code.stock_quantity  # nothing set aside any more
    assert intent_at_stripe(placed.payment_intent_id).status == "canceled"
    assert [line.book_id for line in order.items] == [clean_code.book_id]  # lines kept

    response = shopper_client.post(f"/orders/{placed.order_id}/pay/again/")
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{placed.order_id}/pay/"
    order = order_of(shopper_client)
    assert (order.status, order.payment_status) == ("awaiting_payment", "awaiting")
    assert order.payment_intent_id != placed.payment_intent_id
    assert stock_of(clean_code) == clean_code.stock_quantity - 1  # set aside again
    assert "Pay $52.42" in shopper_client.get(f"/orders/{placed.order_id}/pay/").content.decode()

    response = shopper_client.post(f"/orders/{placed.order_id}/pay/", {"payment_method": card()})
    assert response.status_code == 302
    order = order_of(shopper_client)
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    intent = intent_at_stripe(order.payment_intent_id)
    assert (intent.status, intent.amount) == ("succeeded", 5242)
    assert stock_of(clean_code) == clean_code.stock_quantity - 1


def decline(client, order):
    response = client.post(
        f"/orders/{order.order_id}/pay/", {"payment_method": card(DECLINED_CARD)}
    )
    assert response.status_code == 402


def test_a_decline_releases_the_stock_once_and_the_sweep_releases_nothing_more(
    shopper_client, placed, clean_code
):
    from datetime import timedelta

    from cloudshelf.dynamo import utcnow
    from store.payments.services import payments_sweep

    decline(shopper_client, placed)
    response = shopper_client.post(
        f"/orders/{placed.order_id}/pay/", {"payment_method": card(DECLINED_CARD)}
    )
    assert response.status_code == 409  # a stale card form: nothing to pay, says why
    assert "no longer set aside" in response.content.decode()
    assert payments_sweep(now=utcnow() + timedelta(days=1))["released"] == 0
    assert stock_of(clean_code) == clean_code.stock_quantity


def test_trying_another_card_twice_sets_the_books_aside_once(shopper_client, placed, clean_code):
    from store.payments.services import payment_retry

    decline(shopper_client, placed)
    released, stale = order_of(shopper_client), order_of(shopper_client)
    first = payment_retry(order=released)
    assert payment_retry(order=stale).payment_intent_id == first.payment_intent_id
    assert shopper_client.post(f"/orders/{placed.order_id}/pay/again/").status_code == 302
    assert stock_of(clean_code) == clean_code.stock_quantity - 1


def test_trying_another_card_after_the_last_copy_sold_says_so_with_a_409(
    shopper_client, placed, clean_code
):
    decline(shopper_client, placed)
    Book(clean_code.category, clean_code.book_id).update(actions=[Book.stock_quantity.set(0)])

    response = shopper_client.post(f"/orders/{placed.order_id}/pay/again/")

    assert response.status_code == 409
    assert "“Clean Code” sold out meanwhile." in response.content.decode()
    order = order_of(shopper_client)
    assert (order.status, order.payment_status) == ("payment_failed", "failed")
    assert order.payment_intent_id == placed.payment_intent_id
    assert stock_of(clean_code) == 0


def test_a_success_webhook_for_a_declined_and_released_order_is_refunded(client, placed):
    from store.orders.services import order_payment_expire

    order_payment_expire(order=placed, error="Your card was declined.")
    response = post_webhook(client, payload := succeeded_event(placed), signed(payload))
    assert response.status_code == 200
    order = Order.get(placed.user_id, placed.order_id, consistent_read=True)
    assert order.status == "payment_failed"
    assert order.payment_status in ("refund_pending", "refunded")


def test_a_payment_method_that_is_not_one_is_refused_with_a_400(shopper_client, placed):
    response = shopper_client.post(
        f"/orders/{placed.order_id}/pay/", {"payment_method": "4242424242424242"}
    )
    assert response.status_code == 400
    assert order_of(shopper_client).status == "awaiting_payment"


def test_another_shoppers_payment_page_is_a_404(client, placed, make_user):
    from tests.conftest import sign_in

    sign_in(client, make_user())
    assert client.get(f"/orders/{placed.order_id}/pay/").status_code == 404


def test_a_webhook_replayed_three_times_confirms_once(client, placed, dynamodb_requests):
    payload = succeeded_event(placed)
    outcomes = []
    for _ in range(3):
        response = post_webhook(client, payload, signed(payload))
        assert response.status_code == 200
        outcomes.append(response.content.decode())
    assert outcomes == ["confirmed", "already done", "already done"]
    assert dynamodb_requests["UpdateItem"] == 1
    order = Order.get(placed.user_id, placed.order_id, consistent_read=True)
    assert (order.status, order.payment_status) == ("confirmed", "paid")


def test_a_webhook_costs_at_most_one_read_and_one_conditional_write(client, placed):
    from benchmarks.requestcount import count_dynamodb_requests

    payload = succeeded_event(placed)
    with count_dynamodb_requests() as counts:
        assert post_webhook(client, payload, signed(payload)).status_code == 200
    assert sum(counts.values()) <= 2
    assert counts["GetItem"] == 1 and counts["UpdateItem"] == 1


@pytest.mark.parametrize(
    "signature",
    [None, "t=1,v1=00", "forged-with-another-secret"],
    ids=["unsigned", "garbage", "another-secret"],
)
def test_a_forged_or_unsigned_webhook_is_refused_and_changes_nothing(
    client, placed, signature, dynamodb_requests
):
    payload = succeeded_event(placed)
    if signature == "forged-with-another-secret":
        signature = signed(payload, secret="whsec_not_ours")
    response = post_webhook(client, payload, signature)
    assert response.status_code == 400
    assert sum(dynamodb_requests.values()) == 0
    order = Order.get(placed.user_id, placed.order_id, consistent_read=True)
    assert order.status == "awaiting_payment"


def test_a_webhook_signed_long_ago_is_refused(client, placed):
    import time

    payload = succeeded_event(placed)
    response = post_webhook(client, payload, signed(payload, timestamp=int(time.time()) - 3600))
    assert response.status_code == 400


def test_a_payment_of_another_amount_is_refused(client, placed):
    payload = succeeded_event(placed, amount=100)
    response = post_webhook(client, payload, signed(payload))
    assert response.status_code == 400
    order = Order.get(placed.user_id, placed.order_id, consistent_read=True)
    assert order.status == "awaiting_payment"


def test_a_payment_of_another_intent_is_refused(client, placed):
    payload = succeeded_event(placed, intent_id="pi_someoneelses")
    assert post_webhook(client, payload, signed(payload)).status_code == 400
    order = Order.get(placed.user_id, placed.order_id, consistent_read=True)
    assert order.status == "awaiting_payment"


def test_the_return_confirms_and_the_webhook_after_it_writes_nothing(
    shopper_client, placed, dynamodb_requests
):
    from store.payments import gateway

    gateway.intent_pay(
        intent_id=placed.payment_intent_id,
        payment_method=card(),
        user_id=placed.user_id,
        order_id=placed.order_id,
        key="test-pay",
    )
    assert order_of(shopper_client).status == "awaiting_payment"  # paid, not yet seen

    response = shopper_client.get(f"/orders/{placed.order_id}/pay/return/")
    assert response["Location"] == f"/orders/{placed.order_id}/confirmation/"
    assert order_of(shopper_client).status == "confirmed"

    dynamodb_requests.clear()
    payload = succeeded_event(placed)
    assert post_webhook(shopper_client, payload, signed(payload)).content == b"already done"
    assert dynamodb_requests["UpdateItem"] == 0


def test_an_order_that_is_not_placed_charges_nothing(shopper_client, clean_code):
    """The book sold out between review and "Place order": no order, intent cancelled."""
    from tests.conftest import add_to_cart

    add_to_cart(shopper_client, clean_code)
    form = place_form(review_checkout(shopper_client))
    Book(clean_code.category, clean_code.book_id).update(actions=[Book.stock_quantity.set(0)])
    response = shopper_client.post("/checkout/place/", form)
    assert response["Location"] == "/cart/"
    assert list(Order.query(shopper_client.user.user_id)) == []


def test_staff_refund_part_of_a_paid_order_and_the_audit_says_who(client, placed, make_user):
    from store.audit.selectors import order_audit_list
    from tests.conftest import sign_in
    from tests.payments_fixtures import pay

    pay(placed)
    staffer = make_user(is_staff=True)
    sign_in(client, staffer)
    url = f"/admin/orders/{placed.user_id}/{placed.order_id}/refund/"
    page = client.post(url, {"amount": "10.00"}, follow=True).content.decode()
    assert "Refunded $10.00; $10.00 refunded in all." in page
    assert "Partly refunded: $10.00" in page
    order = Order.get(placed.user_id, placed.order_id, consistent_read=True)
    assert (order.payment_status, order.refunded_cents) == ("partially_refunded", 1000)
    [entry] = list(order_audit_list(user_id=placed.user_id, order_id=placed.order_id))
    assert (entry.action, entry.actor_email) == ("order.refund", staffer.email)

    too_much = client.post(url, {"amount": "50.00"}, follow=True).content.decode()
    assert "Enter an amount between 0.01 and 42.42." in too_much
    assert client.post(url, {"amount": "abc"}).status_code == 302
    order = Order.get(placed.user_id, placed.order_id, consistent_read=True)
    assert order.refunded_cents == 1000


def _dead_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_stripe_outage_at_place_order_says_so_and_keeps_the_cart(
    shopper_client, clean_code, settings
):
    from tests.conftest import add_to_cart, cart_of

    add_to_cart(shopper_client, clean_code)
    form = place_form(review_checkout(shopper_client))
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{_dead_port()}"
    response = shopper_client.post("/checkout/place/", form, follow=True)
    assert response.status_code == 200
    assert "Card payments are unavailable just now; nothing was charged" in (
        response.content.decode()
    )
    assert list(Order.query(shopper_client.user.user_id)) == []
    assert stock_of(clean_code) == clean_code.stock_quantity
    assert len(cart_of(shopper_client.user.user_id).items) == 1


def test_a_stripe_outage_on_the_payment_page_is_a_503_and_the_order_waits(
    shopper_client, placed, settings
):
    made = card()  # Stripe.js made it before Stripe went away
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{_dead_port()}"
    response = shopper_client.post(f"/orders/{placed.order_id}/pay/", {"payment_method": made})
    assert response.status_code == 503
    assert "Card payments are unavailable just now" in response.content.decode()
    assert order_of(shopper_client).status == "awaiting_payment"


def test_a_declined_order_with_a_code_gives_its_use_back_and_counts_it_again_on_retry(
    make_user,
    make_book,
    make_code,  # noqa: F811
):
    from decimal import Decimal

    from store.orders import selectors, services
    from store.payments.gateway import CardDeclined
    from store.payments.services import payment_retry, payment_submit
    from store.promotions.selectors import promotion_get
    from tests.conftest import ADDRESS
    from tests.integration.test_checkout import fill_cart
    from tests.integration.test_promotions import apply
    from tests.payments_fixtures import pay

    user = make_user()
    book = make_book(price=Decimal("42.99"))
    fill_cart(user, (book, 1))
    make_code(max_uses=1)
    apply(user, "SAVE10")
    quote = selectors.checkout_review_get(user_id=user.user_id).quote
    order = services.order_place(user=user, shipping_address=ADDRESS, quote=quote).order
    assert promotion_get(code="SAVE10", consistent_read=True).uses == 1

    with pytest.raises(CardDeclined):
        payment_submit(order=order, payment_method=card(DECLINED_CARD))
    assert promotion_get(code="SAVE10", consistent_read=True).uses == 0  # given back
    assert stock_of(book) == book.stock_quantity

    released = Order.get(order.user_id, order.order_id, consistent_read=True)
    again = payment_retry(order=released)
    assert promotion_get(code="SAVE10", consistent_read=True).uses == 1  # counted again
    assert stock_of(book) == book.stock_quantity - 1
    paid = pay(again)
    assert (paid.status, paid.discount, paid.amount_cents) == (
        "confirmed",
        Decimal("4.30"),
        order.amount_cents,
    )
    assert intent_at_stripe(paid.payment_intent_id).amount == order.amount_cents


def test_a_decline_then_a_paid_retry_counts_one_sale_and_sends_one_email(
    shopper_client, placed, clean_code, streams
):
    from django.core import mail

    from tests.integration.test_orders_projections import day_figures

    decline(shopper_client, placed)
    streams.deliver()
    assert mail.outbox == []  # a declined order is not confirmed
    assert shopper_client.post(f"/orders/{placed.order_id}/pay/again/").status_code == 302
    shopper_client.post(f"/orders/{placed.order_id}/pay/", {"payment_method": card()})
    streams.deliver()
    [figures] = day_figures().values()
    assert (figures.orders, figures.revenue) == (1, placed.total)
    assert figures.copies == {f"{clean_code.category}#{clean_code.book_id}": 1}
    assert len(mail.outbox) == 1


def test_a_guest_declined_tries_another_card_through_the_access_link(client, clean_code):
    import re

    from store.orders.models import guest_user_id
    from tests.integration.test_guest_checkout import guest_checkout

    pay_url = guest_checkout(client, clean_code)
    declined = client.post(pay_url, {"payment_method": card(DECLINED_CARD)})
    assert declined.status_code == 402
    again_url = re.search(r'action="([^"]+/pay/again/\?access=[^"]+)"', declined.content.decode())
    assert again_url is not None
    assert stock_of(clean_code) == clean_code.stock_quantity

    response = client.post(again_url.group(1).replace("&amp;", "&"))
    assert response.status_code == 302 and "/pay/?access=" in response["Location"]
    assert stock_of(clean_code) == clean_code.stock_quantity - 1
    assert client.post(response["Location"], {"payment_method": card()}).status_code == 302
    [order] = list(Order.query(guest_user_id("grace@example.com"), consistent_read=True))
    assert (order.status, order.payment_status) == ("confirmed", "paid")


def test_trying_another_card_is_one_transaction(shopper_client, placed, dynamodb_requests):
    decline(shopper_client, placed)
    dynamodb_requests.clear()
    assert shopper_client.post(f"/orders/{placed.order_id}/pay/again/").status_code == 302
    # the session, the user, the order, the payment time limit; ONE transaction
    assert dict(dynamodb_requests) == {"GetItem": 4, "TransactWriteItems": 1}
