"""A shopper finds books through discovery: a best seller from the home page, "also
bought" from a book, a category sorted by price, and on a phone the category's own best
sellers."""

from decimal import Decimal

import pytest

from store.catalog import summary
from store.discovery.projections import discovery_books_rebuild, discovery_sales_rebuild
from store.orders.models import OrderLine
from tests.browser.conftest import PHONE, assert_fits_width, audit_accessibility


def line(book, quantity=1):
    return OrderLine(
        book_id=book.book_id,
        category=book.category,
        title=book.title,
        price=book.price,
        quantity=quantity,
    )


@pytest.fixture
def shop(make_book, make_order_record):
    books = {
        "top": make_book(book_id="j-top", title="Top Seller", price=Decimal("30.00")),
        "pair": make_book(book_id="j-pair", title="Bought Together", price=Decimal("12.00")),
        "cheap": make_book(book_id="j-cheap", title="Bargain Book", price=Decimal("3.00")),
    }
    make_order_record(items=[line(books["top"], 5), line(books["pair"])])
    make_order_record(items=[line(books["top"])])
    discovery_books_rebuild()
    discovery_sales_rebuild()
    summary.catalog_summary_rebuild()
    return books


def test_shopper_follows_best_sellers_also_bought_and_sorts_by_price(page, live_url, shop):
    page.goto(live_url + "/")
    best = page.get_by_role("region", name="Best sellers")
    best.get_by_role("link", name="Top Seller").click()
    page.wait_for_url("**/books/Technology/j-top/")
    audit_accessibility(page)

    also = page.get_by_role("region", name="Customers who bought this also bought")
    also.get_by_role("link", name="Bought Together").click()
    page.wait_for_url("**/books/Technology/j-pair/")
    assert page.get_by_role("heading", level=1).inner_text() == "Bought Together"

    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Technology"
    ).click()
    page.wait_for_url("**/category/Technology/")
    page.get_by_label("Sort by").select_option(label="Price: low to high")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/category/Technology/?sort=price*")
    titles = page.locator("ul.book-grid .book-card__title").all_inner_texts()
    assert titles == ["Bargain Book", "Bought Together", "Top Seller"]
    audit_accessibility(page)


def test_on_a_phone_a_shopper_opens_a_best_seller_from_its_category_page(
    open_page, live_url, shop
):
    page = open_page(viewport=PHONE)
    page.goto(live_url + "/category/Technology/")
    best = page.get_by_role("region", name="Best sellers in Technology")
    best.wait_for()
    links = best.get_by_role("link")
    assert links.all_inner_texts() == ["Top Seller", "Bought Together"]  # 6 copies, then 1
    assert_fits_width(page)
    audit_accessibility(page)
    best.get_by_role("link", name="Top Seller").click()
    page.wait_for_url("**/books/Technology/j-top/")
    page.get_by_role("heading", level=1, name="Top Seller").wait_for()
