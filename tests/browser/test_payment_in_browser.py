"""Card payments in real Chromium against the suite's localstripe: its Stripe.js
stand-in takes the card, our server confirms the order only after asking Stripe."""

import pytest

from store.catalog.models import Book
from store.orders.models import Order
from tests.browser.conftest import audit_accessibility
from tests.browser.payment_steps import pay_by_card
from tests.browser.test_shopper_journey import ADDRESS, add_to_cart, fill, sign_in
from tests.payments_fixtures import DECLINED_CARD, THREE_D_SECURE_CARD


@pytest.fixture(autouse=True)
def webhooks_to_the_live_server(live_url):
    """localstripe signs and sends its events to the site under test, as Stripe would;
    afterwards it sends none, so a later test's payments never reach this server and its
    DynamoDB requests never show up in another test's count."""
    from django.conf import settings

    from cloudshelf.localstripe import webhook_register

    where = dict(
        port=settings.LOCALSTRIPE["port"],
        url=live_url + "/payments/webhook/",
        secret=settings.STRIPE_WEBHOOK_SECRET,
    )
    webhook_register(**where)
    yield
    webhook_register(**where, events=[])


@pytest.fixture
def shopper(open_page, live_url, seed_books, make_user):
    user = make_user(first_name="Ada")
    page = open_page()
    sign_in(page, live_url, user.email)
    add_to_cart(page, live_url, "Technology", "tech-001")
    page.get_by_role("link", name="Cart").click()
    page.get_by_role("link", name="Check out").click()
    fill(page, ADDRESS)
    page.get_by_role("button", name="Review your order").click()
    page.get_by_role("button", name="Place order").click()
    page.user = user
    return page


def the_order(user):
    [order] = list(Order.query(user.user_id, consistent_read=True))
    return order


def test_a_shopper_pays_with_the_success_card_and_sees_the_confirmation(shopper):
    page = shopper
    page.get_by_role("heading", name="Pay for your order").wait_for()
    assert "$52.42 to pay" in page.locator("main").inner_text()
    audit_accessibility(page)
    assert the_order(page.user).status == "awaiting_payment"

    pay_by_card(page)

    page.get_by_role("heading", name="Thank you").wait_for()
    assert "Paid" in page.locator("main").inner_text()
    audit_accessibility(page)
    order = the_order(page.user)
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    assert Book.get("Technology", "tech-001").stock_quantity == 24


def test_a_declined_card_shows_the_decline_frees_the_stock_and_another_card_pays(shopper):
    page = shopper
    pay_by_card(page, DECLINED_CARD)
    page.get_by_text("Your card was declined").first.wait_for()
    page.get_by_role("button", name="Try another card").wait_for()
    audit_accessibility(page)
    order = the_order(page.user)
    assert (order.status, order.payment_status) == ("payment_failed", "failed")
    assert Book.get("Technology", "tech-001", consistent_read=True).stock_quantity == 25

    page.get_by_role("button", name="Try another card").click()
    page.get_by_text("Your books are set aside again").wait_for()
    assert Book.get("Technology", "tech-001", consistent_read=True).stock_quantity == 24
    pay_by_card(page)
    page.get_by_role("heading", name="Thank you").wait_for()
    order = the_order(page.user)
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    assert Book.get("Technology", "tech-001", consistent_read=True).stock_quantity == 24


def test_a_3d_secure_card_completes_its_challenge(shopper):
    page = shopper
    pay_by_card(page, THREE_D_SECURE_CARD)
    page.get_by_role("button", name="Complete authentication").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert the_order(page.user).payment_status == "paid"


def test_a_paid_order_is_cancelled_and_refunded(shopper, live_url):
    page = shopper
    pay_by_card(page)
    page.get_by_role("heading", name="Thank you").wait_for()
    order = the_order(page.user)
    page.goto(f"{live_url}/orders/{order.order_id}/")
    page.get_by_role("button", name="Cancel this order").click()
    page.get_by_text("$52.42 is refunded to your card").wait_for()
    assert "Refunded $52.42" in page.locator("main").inner_text()
    order = the_order(page.user)
    assert (order.status, order.payment_status, order.refunded_cents) == (
        "cancelled",
        "refunded",
        5242,
    )
    assert Book.get("Technology", "tech-001").stock_quantity == 25


def test_a_guest_pays_with_the_success_card_and_sees_the_confirmation(
    open_page, live_url, seed_books
):
    page = open_page()
    add_to_cart(page, live_url, "Technology", "tech-001")
    page.get_by_role("link", name="Cart").click()
    page.get_by_role("link", name="Check out").click()
    page.get_by_text("check out as a guest").wait_for()
    audit_accessibility(page)
    fill(page, {"Email": "grace@example.com", "Full name": "Grace Hopper", **ADDRESS})
    page.get_by_role("button", name="Review your order").click()
    page.get_by_role("button", name="Place order").click()
    pay_by_card(page)
    page.get_by_role("heading", name="Thank you").wait_for()
    assert "grace@example.com" in page.locator("main").inner_text()
    from store.orders.models import guest_user_id

    [order] = list(Order.query(guest_user_id("grace@example.com"), consistent_read=True))
    assert (order.status, order.payment_status) == ("confirmed", "paid")


def test_staff_set_the_payment_time_limit_on_an_accessible_page(open_page, live_url, make_user):
    from tests.conftest import PASSWORD

    staff = make_user(is_staff=True, email="staff@example.com")
    page = open_page()
    page.goto(live_url + "/accounts/sign-in/?next=/admin/payments/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Payments").wait_for()
    audit_accessibility(page)
    field = page.get_by_label("Payment time limit (minutes)")
    assert field.input_value() == "30"

    field.fill("2")
    page.get_by_role("button", name="Save the time limit").click()
    page.get_by_text("Enter at least 5 minutes.").wait_for()
    audit_accessibility(page)

    page.get_by_label("Payment time limit (minutes)").fill("45")
    page.get_by_role("button", name="Save the time limit").click()
    page.get_by_text("keep their books for 45 minutes").wait_for()
    assert page.get_by_label("Payment time limit (minutes)").input_value() == "45"
    page.get_by_role("cell", name="staff@example.com").wait_for()
    from store.payments.selectors import payment_time_limit_minutes

    assert payment_time_limit_minutes() == 45
