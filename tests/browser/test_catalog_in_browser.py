"""A shopper browsing the catalog in a real browser."""

import pytest

from store.catalog import summary
from store.search.services import search_index_rebuild
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_width, audit_accessibility


@pytest.fixture
def catalog(seed_books, make_book):
    make_book(category="Technology", title="Refactoring in Practice", stock_quantity=3)
    summary.catalog_summary_rebuild()
    search_index_rebuild()


def test_shopper_browses_from_home_to_a_book(page, live_url, catalog):
    page.goto(live_url + "/")
    audit_accessibility(page)
    page.get_by_role("link", name="Technology").first.click()
    page.wait_for_url("**/category/Technology/")
    audit_accessibility(page)
    page.get_by_role("link", name="Clean Code").click()
    page.wait_for_url("**/books/Technology/tech-001/")
    assert page.get_by_role("heading", level=1).inner_text() == "Clean Code"
    page.get_by_text("In stock").wait_for()
    assert page.locator("img.book-detail__cover").evaluate("img => img.naturalWidth") > 0
    audit_accessibility(page)


def test_shopper_finds_a_book_by_typing_its_title(page, live_url, catalog):
    page.goto(live_url + "/")
    page.get_by_label("Search books").fill("clean code")
    page.get_by_label("Search books").press("Enter")
    page.wait_for_url("**/search/?q=clean+code")
    assert page.get_by_role("link", name="Clean Code").count() >= 1
    audit_accessibility(page)


def test_keyboard_alone_reaches_a_book(page, live_url, catalog):
    page.goto(live_url + "/category/Technology/")
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.textContent.trim()")
        if focused.startswith("Clean Code"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/books/Technology/tech-001/")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/category/Technology/",
        "/books/Technology/tech-001/",
        "/search/?q=clean+code",
        "/no-such-page/",
    ],
)
def test_pages_fit_phone_and_desktop_widths(open_page, live_url, catalog, viewport, path):
    page = open_page(viewport)
    page.goto(live_url + path)
    assert_fits_width(page)
    if viewport is PHONE:
        audit_accessibility(page)
