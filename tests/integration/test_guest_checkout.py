"""Guest checkout: email, name and address, no account; the confirmation email's signed
link opens that order only; the account later made with the email sees the order."""

import re

import pytest
from django.core import mail
from django.test import Client

from store.orders.models import Order, guest_user_id
from tests.conftest import ADDRESS, add_to_cart, sign_in
from tests.payments_fixtures import card

GUEST = {"email": "Grace@Example.com", "name": "Grace Hopper"}


@pytest.fixture
def clean_code(seed_books):
    return next(book for book in seed_books if book.title == "Clean Code")


def guest_checkout(client, book):
    add_to_cart(client, book)
    page = client.get("/checkout/")
    assert page.status_code == 200
    assert "check out as a guest" in page.content.decode()
    review = client.post("/checkout/", {**GUEST, **ADDRESS})
    assert review.status_code == 200, review.content.decode()[:500]
    form = review.context["form"]
    placed = client.post("/checkout/place/", {n: form[n].value() for n in form.fields})
    assert placed.status_code == 302
    return placed["Location"]


def test_a_guest_checks_out_and_pays_without_an_account(client, clean_code, streams):
    pay_url = guest_checkout(client, clean_code)
    assert re.fullmatch(r"/orders/order-[^/]+/pay/\?access=.+", pay_url)
    [order] = list(Order.query(guest_user_id("grace@example.com"), consistent_read=True))
    assert (order.guest_email, order.guest_name, order.amount_cents) == (
        "grace@example.com",
        "Grace Hopper",
        5242,
    )
    page = client.get(pay_url)
    assert page.status_code == 200 and "Pay $52.42" in page.content.decode()
    done = client.post(pay_url, {"payment_method": card()})
    assert done.status_code == 302 and "/confirmation/?access=" in done["Location"]
    assert "grace@example.com" in client.get(done["Location"]).content.decode()

    streams.deliver()
    [message] = mail.outbox
    assert message.to == ["grace@example.com"]
    link = re.search(r"http://\S+/orders/\S+", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    stranger = Client()
    page = stranger.get("/" + path)
    assert page.status_code == 200
    assert order.number in page.content.decode() and "Paid" in page.content.decode()


def test_the_link_opens_that_order_only(client, clean_code, make_order_record):
    pay_url = guest_checkout(client, clean_code)
    token = pay_url.split("access=", 1)[1]
    other = make_order_record(user_id=guest_user_id("grace@example.com"))
    stranger = Client()
    assert stranger.get(f"/orders/{other.order_id}/?access={token}").status_code == 404
    assert stranger.get(f"/orders/{other.order_id}/").status_code == 302  # sign in first
    assert stranger.get(f"/orders/x/?access={token}tampered").status_code == 404
    assert stranger.get("/orders/").status_code == 302  # no history without an account


def test_a_guest_without_a_cart_is_asked_to_sign_in(client, tables):
    assert client.get("/checkout/")["Location"].startswith("/accounts/sign-in/")


def test_a_guest_form_without_an_email_is_a_400(client, clean_code):
    add_to_cart(client, clean_code)
    response = client.post("/checkout/", {**ADDRESS, "name": "Grace", "email": "not-an-email"})
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()


def test_the_account_of_the_same_email_sees_the_guest_orders(client, clean_code, make_user):
    guest_checkout(client, clean_code)
    [order] = list(Order.query(guest_user_id("grace@example.com"), consistent_read=True))
    user = make_user(email="grace@example.com")
    member = sign_in(Client(), user)
    history = member.get("/orders/").content.decode()
    assert "Placed as a guest with grace@example.com" in history
    assert order.number in history
    assert member.get(f"/orders/{order.order_id}/").status_code == 200
    assert member.post(f"/orders/{order.order_id}/cancel/").status_code == 302
    assert Order.get(order.user_id, order.order_id, consistent_read=True).status == "cancelled"

    someone = sign_in(Client(), make_user(email="someone@example.com"))
    assert order.number not in someone.get("/orders/").content.decode()
    assert someone.get(f"/orders/{order.order_id}/").status_code == 404


def test_a_guest_cancels_a_paid_order_from_the_link_and_is_refunded(client, clean_code):
    pay_url = guest_checkout(client, clean_code)
    done = client.post(pay_url, {"payment_method": card()})
    detail = done["Location"].replace("/confirmation/", "/")
    stranger = Client()  # the link from the email, in another browser
    page = stranger.get(detail).content.decode()
    assert "Cancel this order" in page
    cancel_action = (
        re.search(r'action="([^"]+/cancel/[^"]*)"', page).group(1).replace("&amp;", "&")
    )
    stock_before = clean_code.__class__.get(clean_code.category, clean_code.book_id).stock_quantity

    cancelled = stranger.post(cancel_action)

    assert cancelled.status_code == 302 and "access=" in cancelled["Location"]
    page = stranger.get(cancelled["Location"]).content.decode()
    assert "Your order was cancelled" in page and "Cancelled" in page
    [order] = list(Order.query(guest_user_id("grace@example.com"), consistent_read=True))
    assert (order.status, order.payment_status) in {
        ("cancelled", "refunded"),
        ("cancelled", "refund_pending"),
    }
    book = clean_code.__class__.get(clean_code.category, clean_code.book_id)
    assert book.stock_quantity == stock_before + 1


def test_a_cancel_without_the_orders_token_changes_nothing(client, clean_code):
    pay_url = guest_checkout(client, clean_code)
    token = pay_url.split("access=", 1)[1]
    [order] = list(Order.query(guest_user_id("grace@example.com"), consistent_read=True))
    stranger = Client()

    assert stranger.post(f"/orders/{order.order_id}/cancel/")["Location"].startswith(
        "/accounts/sign-in/"
    )
    tampered = stranger.post(f"/orders/{order.order_id}/cancel/?access={token}x")
    other = stranger.post(f"/orders/order-someone-else/cancel/?access={token}")

    assert (tampered.status_code, other.status_code) == (404, 404)
    assert Order.get(order.user_id, order.order_id, consistent_read=True).status == order.status
