"""Staff pages in a real browser: accessible, phone-width, usable without JavaScript
tricks (the chart is inline SVG, every action a plain form)."""

import pytest

from store.catalog import summary
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_width, audit_accessibility
from tests.conftest import PASSWORD


@pytest.fixture
def staff_page(open_page, live_url, make_user, seed_books, make_order_record):
    summary.catalog_summary_rebuild()
    make_order_record()
    staff = make_user(is_staff=True, email="staff@example.com")

    def make(viewport=DESKTOP):
        page = open_page(viewport)
        page.goto(live_url + "/accounts/sign-in/?next=/admin/")
        page.get_by_label("Email").fill(staff.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/admin/")
        return page

    return make


def test_staff_adjusts_stock_from_the_book_page(staff_page, live_url):
    page = staff_page()
    page.goto(live_url + "/admin/books/Technology/tech-001/")
    page.get_by_label("Change by").fill("-5")
    page.get_by_label("Reason").fill("damaged in transit")
    page.get_by_role("button", name="Adjust stock").click()
    assert page.get_by_text("Stock is now 20").is_visible()
    assert page.get_by_role("cell", name="damaged in transit").is_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/books/?category=Technology",
        "/admin/books/Technology/tech-001/",
        "/admin/books/new/",
        "/admin/books/import/",
        "/admin/orders/",
        "/admin/customers/?email=nobody%40example.com",
    ],
)
def test_staff_pages_are_accessible_at_phone_and_desktop_widths(
    staff_page, live_url, viewport, path
):
    page = staff_page(viewport)
    page.goto(live_url + path)
    assert_fits_width(page)
    audit_accessibility(page)
