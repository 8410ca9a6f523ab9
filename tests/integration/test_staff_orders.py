"""Staff order pages: a day's orders through OrderDateIndex, an order, a customer."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cloudshelf.dynamo import utcnow
from store.audit.models import AuditEntry, book_subject, order_subject
from store.catalog.models import Book
from store.orders.models import Order, OrderLine


def test_orders_of_today_are_listed_by_default(staff_client, make_order_record):
    order = make_order_record()
    make_order_record(
        order_date=(utcnow().date() - timedelta(days=1)).isoformat(), order_id="order-yesterday"
    )
    response = staff_client.get(reverse("staff:order-list"))
    assert [o.order_id for o in response.context["orders"]] == [order.order_id]


def test_orders_of_a_chosen_day_are_listed(staff_client, make_order_record):
    make_order_record(order_date="2025-09-05", order_id="order-2025-09-05-001")
    response = staff_client.get(reverse("staff:order-list"), {"date": "2025-09-05"})
    assert "order-2025-09-05-001" in response.content.decode()


def test_a_days_orders_are_paginated(staff_client, make_order_record, settings):
    settings.STAFF_PAGE_SIZE = 2
    ids = {make_order_record(order_date="2025-09-05").order_id for _ in range(5)}
    seen, params = [], {"date": "2025-09-05"}
    for _ in range(6):
        response = staff_client.get(reverse("staff:order-list"), params)
        assert len(response.context["orders"]) <= 2
        seen += [o.order_id for o in response.context["orders"]]
        if not response.context["next_token"]:
            break
        params = {"date": "2025-09-05", "page": response.context["next_token"]}
    assert sorted(seen) == sorted(ids)


def test_invalid_date_is_400(staff_client, tables):
    assert staff_client.get(reverse("staff:order-list"), {"date": "yesterday"}).status_code == 400


def test_tampered_page_token_is_400(staff_client, tables):
    response = staff_client.get(
        reverse("staff:order-list"), {"date": "2025-09-05", "page": "garbage"}
    )
    assert response.status_code == 400


def test_order_page_shows_lines_totals_and_address(staff_client, make_order_record):
    order = make_order_record()
    body = staff_client.get(
        reverse("staff:order-detail", args=[order.user_id, order.order_id])
    ).content.decode()
    for text in ("Clean Code", "$42.99", "$3.44", "$5.99", "$52.42", "123 Main St"):
        assert text in body


def test_unknown_order_is_404(staff_client, tables):
    assert (
        staff_client.get(reverse("staff:order-detail", args=["user-x", "order-x"])).status_code
        == 404
    )


def test_customer_is_found_by_email_with_their_orders(staff_client, make_user, make_order_record):
    customer = make_user(email="reader@example.com")
    order = make_order_record(user_id=customer.user_id)
    make_order_record(user_id="someone-else", order_id="order-not-theirs")
    response = staff_client.get(reverse("staff:customers"), {"email": "Reader@Example.com"})
    assert response.context["customer"].user_id == customer.user_id
    assert [o.order_id for o in response.context["orders"]] == [order.order_id]


def test_unknown_customer_says_so(staff_client, tables):
    response = staff_client.get(reverse("staff:customers"), {"email": "nobody@example.com"})
    assert "No customer has that email" in response.content.decode()


def status_url(order):
    return reverse("staff:order-status", args=[order.user_id, order.order_id])


@pytest.fixture
def sold_order(make_book, make_order_record):
    book = make_book(stock_quantity=10)
    line = OrderLine(
        book_id=book.book_id,
        category=book.category,
        title=book.title,
        price=book.price,
        quantity=2,
    )
    return make_order_record(items=[line]), book


def stored(order):
    return Order.get(order.user_id, order.order_id)


def test_staff_move_an_order_to_shipped_then_delivered(staff_client, sold_order):
    order, _ = sold_order
    staff_client.post(status_url(order), {"status": "shipped"})
    assert stored(order).status == "shipped"
    staff_client.post(status_url(order), {"status": "delivered"})
    assert stored(order).status == "delivered"


def test_cancelling_an_order_restores_its_stock(staff_client, sold_order):
    order, book = sold_order
    response = staff_client.post(status_url(order), {"status": "cancelled"}, follow=True)
    assert stored(order).status == "cancelled"
    assert Book.get(book.category, book.book_id).stock_quantity == 12
    assert "back in stock" in response.content.decode()


@pytest.mark.parametrize(
    "first,then", [("shipped", "cancelled"), ("delivered", "shipped"), ("cancelled", "shipped")]
)
def test_status_moves_outside_the_allowed_ones_are_refused(
    staff_client, make_order_record, first, then
):
    order = make_order_record(status=first)
    response = staff_client.post(status_url(order), {"status": then}, follow=True)
    assert stored(order).status == first
    assert "cannot" in response.content.decode() or "only a confirmed" in response.content.decode()


def test_unknown_status_is_refused(staff_client, sold_order):
    order, _ = sold_order
    staff_client.post(status_url(order), {"status": "lost"})
    assert stored(order).status == "confirmed"


def test_status_change_is_audited(staff_client, sold_order):
    order, _ = sold_order
    staff_client.post(status_url(order), {"status": "shipped"})
    [entry] = AuditEntry.query(order_subject(order.user_id, order.order_id))
    assert (entry.action, entry.change_map, entry.actor_id) == (
        "order.status",
        {"status": ["confirmed", "shipped"]},
        staff_client.user.user_id,
    )


def test_restock_by_cancellation_shows_in_the_books_history(staff_client, sold_order):
    order, book = sold_order
    staff_client.post(status_url(order), {"status": "cancelled"})
    [entry] = AuditEntry.query(book_subject(book.category, book.book_id))
    assert (entry.action, entry.delta) == ("order.cancel.restock", 2)


def test_order_page_offers_only_the_allowed_moves(staff_client, make_order_record):
    order = make_order_record(status="shipped")
    body = staff_client.get(
        reverse("staff:order-detail", args=[order.user_id, order.order_id])
    ).content.decode()
    assert 'value="delivered"' in body
    assert 'value="cancelled"' not in body and 'value="shipped"' not in body
