"""Reviews and back-in-stock alerts in a real browser, with the stream poller delivering
records as under dev.py serve: the average follows a review and its hiding; a visitor's
alert arrives exactly once after staff restock the book, with working links."""

import re
import time
from decimal import Decimal

import pytest
from django.core import mail

from store.orders.models import OrderLine
from store.reviews import services as review_services
from tests.browser.conftest import audit_accessibility
from tests.browser.test_shopper_journey import add_to_cart, fill, sign_in

LINK = re.compile(r"https?://[^/\s]+(/\S+)")


def wait_for_text(page, url, text, seconds=8):
    """Reload ``url`` until ``text`` shows (the projections follow within about a second)."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        if text in page.inner_text("body"):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never showed on {url}")
        time.sleep(0.3)


def wait_for_mail(count, seconds=8):
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return list(mail.outbox)


@pytest.fixture
def bought_book(make_book, make_user, make_order_record):
    book = make_book(title="Reviewable", stock_quantity=5)
    buyer = make_user(first_name="Bea", last_name="Buyer")
    line = OrderLine(
        book_id=book.book_id,
        category=book.category,
        title=book.title,
        price=Decimal("10.00"),
        quantity=1,
    )
    make_order_record(user_id=buyer.user_id, items=[line])
    other = make_user(first_name="Otto")
    make_order_record(user_id=other.user_id, items=[line])
    return book, buyer, other


def test_buyer_reviews_and_staff_hide_it(open_page, live_url, bought_book, make_user):
    book, buyer, other = bought_book
    review_services.review_create(user=other, book=book, rating=2, title="Meh", text="Fine.")
    book_url = f"{live_url}/books/{book.category}/{book.book_id}/"

    page = open_page()
    sign_in(page, live_url, buyer.email)
    wait_for_text(page, book_url, "2.0 out of 5")
    page.get_by_role("link", name="Write a review").click()
    audit_accessibility(page)
    page.get_by_label("5 stars", exact=True).check()
    fill(page, {"Title": "Wonderful", "Your review": "Read it <twice>."})
    page.get_by_role("button", name="Post your review").click()
    page.get_by_text("Thank you: your review").wait_for()
    wait_for_text(page, book_url, "3.5 out of 5")
    assert "2 reviews" in page.inner_text("body")
    assert "Read it &lt;twice&gt;." in page.content()
    audit_accessibility(page)

    # Another shopper reports the review; staff hide it from the reported list.
    reporter = make_user(first_name="Rita")
    reporting = open_page()
    sign_in(reporting, live_url, reporter.email)
    reporting.goto(book_url)
    reporting.locator("article.review", has_text="Wonderful").get_by_role(
        "button", name="Report this review"
    ).click()
    reporting.get_by_text("staff will look at this review").wait_for()

    staff_user = make_user(is_staff=True)
    staff = open_page()
    sign_in(staff, live_url, staff_user.email)
    staff.goto(live_url + "/admin/reviews/reported/")
    audit_accessibility(staff)
    staff.get_by_label("Reason for hiding").fill("Not about the book")
    staff.get_by_role("button", name="Hide this review").click()
    staff.get_by_text("The review is hidden").wait_for()
    wait_for_text(page, book_url, "2.0 out of 5")
    assert "1 review" in page.inner_text("body") and "Wonderful" not in page.content()

    # Staff change their mind: the hidden review is unhidden from the same list.
    staff.goto(live_url + "/admin/reviews/reported/")
    staff.get_by_role("button", name="Unhide “Wonderful”").click()
    staff.get_by_text("The review is shown again").wait_for()
    wait_for_text(page, book_url, "3.5 out of 5")
    assert "Wonderful" in page.content()


def test_card_shows_the_rating_and_saves_to_the_wishlist(
    open_page, live_url, bought_book, make_user
):
    book, buyer, other = bought_book
    review_services.review_create(user=other, book=book, rating=4, title="Good", text="Yes.")
    category_url = f"{live_url}/category/{book.category}/"
    page = open_page()
    sign_in(page, live_url, buyer.email)
    wait_for_text(page, category_url, "★★★★☆ (1)")
    card = page.locator(".book-card", has_text="Reviewable")
    assert "Rated 4.0 out of 5, 1 review" in card.text_content()
    audit_accessibility(page)
    card.get_by_role("button", name="Add “Reviewable” to wishlist").click()
    page.get_by_text("“Reviewable” is on your wishlist.").wait_for()
    assert page.url == category_url
    visitor = open_page()
    visitor.goto(category_url)
    visitor.locator(".book-card", has_text="Reviewable").get_by_role(
        "link", name="Sign in to save"
    ).click()
    assert "next=" in visitor.url and f"/category/{book.category}/" in visitor.url


def test_visitor_alert_arrives_once_after_staff_restock(
    open_page, live_url, make_book, make_user, settings
):
    settings.SITE_URL = live_url
    book = make_book(title="Gone For Now", stock_quantity=0)
    book_url = f"{live_url}/books/{book.category}/{book.book_id}/"

    visitor = open_page()
    visitor.goto(book_url)
    audit_accessibility(visitor)
    visitor.get_by_label("Your email address").fill("visitor@example.com")
    visitor.get_by_role("button", name="Email me when it is back").click()
    visitor.get_by_text("Check your inbox").wait_for()
    [confirmation] = wait_for_mail(1)
    visitor.goto(live_url + LINK.findall(confirmation.body)[0])
    visitor.get_by_text("Your alert is confirmed").wait_for()
    mail.outbox.clear()

    staff_user = make_user(is_staff=True)
    staff = open_page()
    sign_in(staff, live_url, staff_user.email)
    staff.goto(f"{live_url}/admin/books/{book.category}/{book.book_id}/")
    fill(staff, {"Change by": "1", "Reason": "Found one in the back"})
    staff.get_by_role("button", name="Adjust stock").click()
    staff.get_by_text("Found one in the back").first.wait_for()

    [alert] = wait_for_mail(1)
    time.sleep(1.5)  # a second email would have come by now
    assert len(mail.outbox) == 1 and alert.to == ["visitor@example.com"]
    book_link, unsubscribe = (live_url + path for path in LINK.findall(alert.body))
    visitor.goto(book_link)
    visitor.get_by_role("heading", name="Gone For Now").wait_for()
    visitor.goto(unsubscribe)
    visitor.get_by_role("button", name="Unsubscribe from this alert").click()
    visitor.get_by_role("heading", name="You are unsubscribed").wait_for()


def test_shopper_saves_a_cart_line_for_later_and_moves_it_back(
    open_page, live_url, make_book, make_user
):
    book = make_book(title="Maybe Later", stock_quantity=6)
    shopper = make_user(first_name="Sol")
    page = open_page()
    sign_in(page, live_url, shopper.email)
    add_to_cart(page, live_url, book.category, book.book_id, quantity=2)
    page.goto(live_url + "/cart/")
    page.get_by_role("button", name="Save for later").click()
    page.get_by_text("Saved for later: it is below your cart.").wait_for()
    assert "Your cart is empty" in page.inner_text("body")
    page.get_by_role("heading", name="Saved for later").wait_for()
    audit_accessibility(page)
    page.get_by_role("button", name="Move to cart").click()
    page.get_by_text("The book is back in your cart.").wait_for()
    assert page.get_by_label("Quantity of Maybe Later").input_value() == "2"
