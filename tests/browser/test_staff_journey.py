"""A staff member's journey in a real browser: stock, a cover seen in the store, and an
order marked shipped that the shopper then sees."""

import io

from PIL import Image

from store.catalog import summary
from store.catalog.models import Book
from store.orders.models import Order
from tests.browser.conftest import audit_accessibility
from tests.browser.test_shopper_journey import add_to_cart, check_out, fill, sign_in


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (200, 300), "#aa3355").save(buffer, format="PNG")
    return buffer.getvalue()


def test_staff_adjusts_stock_uploads_a_cover_and_ships_an_order(
    open_page, live_url, seed_books, make_user
):
    summary.catalog_summary_rebuild()
    shopper_user, staff_user = (
        make_user(first_name="Sam"),
        make_user(is_staff=True, first_name="Stella"),
    )
    shopper = open_page()
    sign_in(shopper, live_url, shopper_user.email)
    add_to_cart(shopper, live_url, "Technology", "tech-001")
    check_out(shopper)
    shopper.get_by_role("heading", name="Thank you").wait_for()

    staff = open_page()
    sign_in(staff, live_url, staff_user.email)
    staff.goto(live_url + "/admin/")
    audit_accessibility(staff)

    staff.goto(live_url + "/admin/books/Technology/tech-001/")
    audit_accessibility(staff)
    fill(staff, {"Change by": "5", "Reason": "Delivery from the publisher"})
    staff.get_by_role("button", name="Adjust stock").click()
    staff.get_by_text("Delivery from the publisher").first.wait_for()
    assert Book.get("Technology", "tech-001").stock_quantity == 25 - 1 + 5

    staff.get_by_label("Cover image").set_input_files(
        files=[{"name": "cover.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    staff.get_by_role("button", name="Upload cover").click()
    staff.wait_for_load_state()
    new_key = Book.get("Technology", "tech-001").image_key
    shopper.goto(live_url + "/books/Technology/tech-001/")
    cover = shopper.locator("img.book-detail__cover")
    assert new_key in cover.get_attribute("src")
    assert cover.evaluate("img => img.naturalWidth") == 200

    (order,) = Order.query(shopper_user.user_id)
    staff.goto(live_url + "/admin/orders/")
    staff.get_by_role("link", name=order.order_id).click()
    audit_accessibility(staff)
    staff.get_by_role("button", name="Mark as shipped").click()
    staff.get_by_text("shipped").first.wait_for()

    assert Order.get(order.user_id, order.order_id).status == "shipped"
    shopper.goto(live_url + "/orders/")
    assert "shipped" in shopper.locator("main").inner_text().lower()
