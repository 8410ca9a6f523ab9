"""A discount code end to end in a real browser: staff create a 10 % code, a shopper applies
it at the cart and places the order, and the order page, the confirmation email and the
staff code page all show the same discount."""

import time

from django.core import mail

from tests.browser.conftest import audit_accessibility
from tests.browser.payment_steps import pay_by_card
from tests.browser.test_shopper_journey import ADDRESS, fill, sign_in


def wait_for_mail(count, timeout=10.0):
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mail.outbox) >= count, "the confirmation email was not sent"


def test_staff_code_applied_by_a_shopper_shows_the_same_discount_everywhere(
    open_page, live_url, seed_books, make_user
):
    staff_user = make_user(is_staff=True, first_name="Stella")
    shopper_user = make_user(first_name="Ada")

    staff = open_page()
    sign_in(staff, live_url, staff_user.email)
    staff.goto(live_url + "/admin/promotions/")
    audit_accessibility(staff)
    staff.get_by_label("Code", exact=True).fill("BookClub10")
    staff.get_by_label("Discount", exact=True).select_option("percent")
    staff.get_by_label("Percent or amount off", exact=True).fill("10")
    staff.get_by_role("button", name="Create the discount code").click()
    staff.get_by_text("The discount code BOOKCLUB10 was created.").wait_for()
    audit_accessibility(staff)

    shopper = open_page()
    sign_in(shopper, live_url, shopper_user.email)
    shopper.goto(f"{live_url}/books/Technology/tech-001/")
    shopper.get_by_role("button", name="Add to cart").click()
    shopper.get_by_text("to your cart").wait_for()
    shopper.get_by_role("link", name="Cart").click()
    shopper.get_by_label("Discount code", exact=True).fill("bookclub10")
    shopper.get_by_role("button", name="Apply the discount code").click()
    shopper.get_by_text("The discount code BOOKCLUB10 is applied: 10 % off.").wait_for()
    audit_accessibility(shopper)
    cart = shopper.locator("main").inner_text()
    for amount in ("$42.99", "−$4.30", "$3.10", "$5.99", "$47.78"):
        assert amount in cart, amount

    shopper.get_by_role("link", name="Check out").click()
    fill(shopper, ADDRESS)
    shopper.get_by_role("button", name="Review your order").click()
    audit_accessibility(shopper)
    review = shopper.locator("main").inner_text()
    assert "Discount (BOOKCLUB10)" in review and "$47.78" in review
    shopper.get_by_role("button", name="Place order").click()
    pay_by_card(shopper)
    shopper.get_by_role("heading", name="Thank you").wait_for()
    order_page = shopper.locator("main").inner_text()
    assert "Discount (BOOKCLUB10)" in order_page
    assert "−$4.30" in order_page and "$47.78" in order_page

    wait_for_mail(1)
    email = mail.outbox[0].body
    assert "Discount (BOOKCLUB10): -$4.30" in email and "Total: $47.78" in email

    staff.goto(live_url + "/admin/promotions/BOOKCLUB10/")
    code_page = staff.locator("main").inner_text()
    assert "$4.30" in code_page
    assert staff.locator('[data-figure="uses"]').inner_text() == "1"
    assert staff.locator('[data-figure="use-discount"]').inner_text() == "$4.30"
    audit_accessibility(staff)
