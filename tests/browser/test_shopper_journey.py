"""A shopper's whole journey in a real browser: browse, search, cart, register, check out,
and the order in the history; the anonymous cart merged at sign-in; the last copy."""

import pytest

from store.catalog import summary
from store.catalog.models import Book
from store.orders.models import Order
from tests.browser.conftest import PHONE, assert_fits_width, audit_accessibility
from tests.browser.payment_steps import pay_by_card
from tests.conftest import PASSWORD

NEW_PASSWORD = "tidal lantern orchard 42"
ADDRESS = {
    "Street address": "123 Main St",
    "City": "Anytown",
    "State or region": "ST",
    "Postal code": "12345",
    "Country code": "US",
}


@pytest.fixture
def catalog(seed_books, make_book):
    from store.search.services import search_index_rebuild

    summary.catalog_summary_rebuild()
    search_index_rebuild()
    return seed_books


def fill(page, fields):
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)


def add_to_cart(page, live_url, category, book_id, quantity=1):
    page.goto(f"{live_url}/books/{category}/{book_id}/")
    page.get_by_label("Quantity", exact=True).fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("to your cart").wait_for()


def sign_in(page, live_url, email, password=PASSWORD):
    page.goto(live_url + "/accounts/sign-in/")
    fill(page, {"Email": email, "Password": password})
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()


def check_out(page):
    """From anywhere: the cart, the address (as given), the review, Place order."""
    page.get_by_role("link", name="Cart").click()
    page.get_by_role("link", name="Check out").click()
    fill(page, ADDRESS)
    page.get_by_role("button", name="Review your order").click()
    page.get_by_role("button", name="Place order").click()
    pay_by_card(page)


def test_shopper_journey_from_home_page_to_order_history(open_page, live_url, catalog):
    page = open_page()
    page.goto(live_url + "/")
    page.get_by_role("link", name="Fiction").first.click()
    page.wait_for_url("**/category/Fiction/")
    audit_accessibility(page)

    page.get_by_label("Search books").fill("clean code")
    page.get_by_label("Search books").press("Enter")
    page.get_by_role("link", name="Clean Code").first.click()
    page.wait_for_url("**/books/Technology/tech-001/")
    audit_accessibility(page)
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("to your cart").wait_for()

    page.get_by_role("link", name="Cart").click()
    audit_accessibility(page)
    page.get_by_label("Quantity of Clean Code").fill("2")
    page.get_by_role("button", name="Update the quantity of Clean Code").click()
    page.get_by_text("Your cart was updated.").wait_for()
    assert "$85.98" in page.locator("main").inner_text()

    page.get_by_role("link", name="Register").click()
    fill(
        page,
        {
            "Email": "ada@example.com",
            "First name": "Ada",
            "Last name": "Lovelace",
            "Password": NEW_PASSWORD,
            "Confirm password": NEW_PASSWORD,
        },
    )
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("Signed in as Ada").wait_for()

    page.get_by_role("link", name="Cart").click()
    page.get_by_role("link", name="Check out").click()
    audit_accessibility(page)
    fill(page, ADDRESS)
    page.get_by_role("button", name="Review your order").click()
    audit_accessibility(page)
    review = page.locator("main").inner_text()
    for amount in ("$85.98", "$6.88", "$5.99", "$98.85"):
        assert amount in review
    page.get_by_role("button", name="Place order").click()
    page.get_by_role("heading", name="Pay for your order").wait_for()
    audit_accessibility(page)
    pay_by_card(page)
    page.get_by_role("heading", name="Thank you").wait_for()
    audit_accessibility(page)
    number = page.locator(".order-number strong").inner_text().strip()

    page.get_by_role("link", name="Your orders").click()
    audit_accessibility(page)
    assert number in page.locator("main").inner_text()
    assert Book.get("Technology", "tech-001").stock_quantity == 23


def test_anonymous_cart_is_merged_at_sign_in(open_page, live_url, catalog, make_user):
    user = make_user(first_name="Ada")
    earlier = open_page()
    sign_in(earlier, live_url, user.email)
    add_to_cart(earlier, live_url, "Fiction", "fic-001", 1)

    page = open_page(PHONE)
    add_to_cart(page, live_url, "Fiction", "fic-001", 2)
    add_to_cart(page, live_url, "Business", "bus-001", 1)
    sign_in(page, live_url, user.email)
    page.get_by_text("Added to your cart from before you signed in").wait_for()
    page.get_by_role("link", name="Cart").click()
    assert page.get_by_label("Quantity of The Great Gatsby").input_value() == "3"
    assert page.get_by_label("Quantity of The Lean Startup").input_value() == "1"
    assert_fits_width(page)
    audit_accessibility(page)


def test_last_copy_bought_elsewhere_is_explained_and_the_rest_of_the_cart_kept(
    open_page, live_url, catalog, make_user, make_book
):
    last = make_book(category="Fiction", title="The Only Copy", stock_quantity=1)
    first_shopper, second_shopper = make_user(), make_user()
    winner, loser = open_page(), open_page()
    sign_in(winner, live_url, first_shopper.email)
    sign_in(loser, live_url, second_shopper.email)
    add_to_cart(winner, live_url, last.category, last.book_id)
    add_to_cart(loser, live_url, last.category, last.book_id)
    add_to_cart(loser, live_url, "Business", "bus-001")

    check_out(winner)
    winner.get_by_role("heading", name="Thank you").wait_for()

    loser.get_by_role("link", name="Cart").click()
    body = loser.locator("main").inner_text()
    assert "The Only Copy" in body and "sold out" in body.lower()
    assert "The Lean Startup" in body
    audit_accessibility(loser)
    assert len(list(Order.query(second_shopper.user_id))) == 0
    assert Book.get(last.category, last.book_id).stock_quantity == 0


def test_the_last_copy_sold_between_review_and_click_is_explained(
    open_page, live_url, catalog, make_user, make_book
):
    last = make_book(category="Fiction", title="The Only Copy", stock_quantity=1)
    shopper = make_user()
    page = open_page()
    sign_in(page, live_url, shopper.email)
    add_to_cart(page, live_url, last.category, last.book_id)
    add_to_cart(page, live_url, "Business", "bus-001")
    page.get_by_role("link", name="Cart").click()
    page.get_by_role("link", name="Check out").click()
    fill(page, ADDRESS)
    page.get_by_role("button", name="Review your order").click()
    last.update(actions=[Book.stock_quantity.set(0)])  # bought in another browser meanwhile
    page.get_by_role("button", name="Place order").click()
    told = page.get_by_role("status").inner_text()
    assert "The Only Copy" in told and "sold out" in told.lower()
    assert len(list(Order.query(shopper.user_id))) == 0
    page.get_by_role("link", name="Cart").click()
    assert "The Lean Startup" in page.locator("main").inner_text()
    audit_accessibility(page)


def tab_to(page, predicate_js, limit=80):
    """Press Tab until the focused element satisfies ``predicate_js`` (el => bool)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({predicate_js})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element matching {predicate_js}")


def by_text(text):
    return f"el => el.textContent.trim().startsWith({text!r})"


def by_label(label):
    return f"el => el.labels && el.labels.length && el.labels[0].textContent.trim() === {label!r}"


def test_keyboard_alone_completes_the_shoppers_journey(open_page, live_url, catalog, make_user):
    user = make_user(first_name="Kit")
    page = open_page()
    page.goto(live_url + "/accounts/sign-in/")
    tab_to(page, by_label("Email"))
    page.keyboard.type(user.email)
    tab_to(page, by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_text("Signed in as Kit").wait_for()

    tab_to(page, "el => el.id === 'search-q'")
    page.keyboard.type("clean code")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/**")
    tab_to(page, by_text("Clean Code"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/books/Technology/tech-001/")
    tab_to(page, by_text("Add to cart"))
    page.keyboard.press("Enter")
    page.get_by_text("to your cart").wait_for()

    tab_to(page, by_text("Cart"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/cart/")
    tab_to(page, by_text("Check out"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/checkout/")
    for label, value in ADDRESS.items():
        tab_to(page, by_label(label))
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    tab_to(page, by_text("Review your order"))
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Place order").wait_for()
    tab_to(page, by_text("Place order"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Pay for your order").wait_for()
    for label, value in (
        ("Card number", "4242424242424242"),
        ("Expiry month (MM)", "12"),
        ("Expiry year (YY)", "34"),
        ("Security code (CVC)", "123"),
        ("Postal code", "12345"),
    ):
        tab_to(page, f"el => el.getAttribute('aria-label') === {label!r}")
        page.keyboard.type(value)
    tab_to(page, by_text("Pay $"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Thank you").wait_for()
    assert len(list(Order.query(user.user_id))) == 1
