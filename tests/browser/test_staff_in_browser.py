"""Staff pages in a real browser: accessible, phone-width, usable without JavaScript
tricks (the chart is inline SVG, every action a plain form)."""

import pytest
from django.conf import settings

from store.catalog import summary
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_width, audit_accessibility
from tests.conftest import PASSWORD

# Imported here, not in a test: boto3 imported in the test's thread while the live server's
# thread imports it for the S3 storage can fail with a partly initialised boto3.session.
from tests.integration.test_catalog_projections import dynamodb


@pytest.fixture
def staff_page(open_page, live_url, make_user, seed_books, make_order_record):
    from cloudshelf.streams.local import deliver_pending

    summary.catalog_summary_rebuild()
    make_order_record()
    deliver_pending()  # the dashboard's figures follow the orders stream
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
    page.get_by_text("Stock is now 20").wait_for()
    page.get_by_role("cell", name="damaged in transit").wait_for()


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


def _width(locator):
    return locator.bounding_box()["width"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_dashboard_chart_has_axes_and_shows_a_day_on_keyboard_focus(
    staff_page, live_url, viewport
):
    page = staff_page(viewport)  # the dashboard, with one order today
    chart = page.locator("#orders-chart")
    chart.wait_for()
    chart.get_by_text("Orders", exact=True).wait_for()  # the value axis
    chart.get_by_text("Day (UTC)").wait_for()  # the time axis
    assert [label.inner_text() for label in chart.locator(".chart__y span").all()][-1] == "0"
    dates = chart.locator(".chart__date").all()
    assert 3 <= len(dates) <= 6
    boxes = [date.bounding_box() for date in dates]
    frame = chart.locator(".chart__frame").bounding_box()
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left["x"] + left["width"] < right["x"], "date labels overlap"
    assert boxes[0]["x"] >= frame["x"] and boxes[-1]["x"] + boxes[-1]["width"] <= (
        frame["x"] + frame["width"]
    )
    days = chart.locator(".chart__slot")
    today, tip = days.last, days.last.locator(".chart__tip")
    assert _width(tip) <= 1  # read by screen readers, not shown
    days.nth(-2).focus()
    page.keyboard.press("Tab")
    assert today.evaluate("element => element === document.activeElement")
    assert _width(tip) > 30 and ": 1 order" in tip.inner_text()
    shown = tip.bounding_box()
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= viewport["width"]
    assert_fits_width(page)
    audit_accessibility(page)


def test_dashboard_chart_shows_a_day_on_hover(staff_page, live_url):
    page = staff_page(DESKTOP)
    revenue = page.locator("#revenue-chart .chart__slot").last
    revenue.hover()
    tip = revenue.locator(".chart__tip")
    assert _width(tip) > 30 and "$52.42" in tip.inner_text()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_staff_fix_a_price_typed_into_the_console_as_words(staff_page, live_url, viewport):
    dynamodb().update_item(
        TableName=settings.BOOKS_TABLE_NAME,
        Key={"category": {"S": "Technology"}, "book_id": {"S": "tech-001"}},
        UpdateExpression="SET price = :p",
        ExpressionAttributeValues={":p": {"S": "forty"}},
    )
    page = staff_page(viewport)
    page.goto(live_url + "/admin/books/Technology/tech-001/")
    page.get_by_role("heading", name="Shoppers cannot see this book yet").wait_for()
    assert_fits_width(page)
    audit_accessibility(page)
    page.get_by_label("Price").fill("39.99")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Saved “Clean Code”.").wait_for()
    assert page.get_by_role("heading", name="Shoppers cannot see this book yet").count() == 0
    page.get_by_role("link", name="See it in the store").click()
    page.get_by_role("heading", name="Clean Code").wait_for()
