"""Paying on the payment page in the browser, through the Stripe.js stand-in that the
suite's localstripe serves (its card fields, labelled by our page's script)."""

from tests.payments_fixtures import SUCCESS_CARD


def pay_by_card(page, number=SUCCESS_CARD):
    """On the payment page: enter a card and press "Pay"."""
    page.get_by_role("heading", name="Pay for your order").wait_for()
    page.get_by_label("Card number", exact=True).fill(number)
    page.get_by_label("Expiry month (MM)", exact=True).fill("12")
    page.get_by_label("Expiry year (YY)", exact=True).fill("34")
    page.get_by_label("Security code (CVC)", exact=True).fill("123")
    page.get_by_label("Postal code", exact=True).fill("12345")
    page.get_by_role("button", name="Pay").click()
