"""Staff order pages: a day's orders through OrderDateIndex, an order, a customer."""

from datetime import timedelta

from django.urls import reverse

from cloudshelf.dynamo import utcnow


def test_orders_of_today_are_listed_by_default(staff_client, make_order_record):
    order = make_order_record()
    make_order_record(order_date=(utcnow().date() - timedelta(days=1)).isoformat(),
                      order_id="order-yesterday")
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
    assert staff_client.get(reverse("staff:order-list"), {"date": "yesterday"}).status_code \
        == 400


def test_tampered_page_token_is_400(staff_client, tables):
    response = staff_client.get(reverse("staff:order-list"),
                                {"date": "2025-09-05", "page": "garbage"})
    assert response.status_code == 400


def test_order_page_shows_lines_totals_and_address(staff_client, make_order_record):
    order = make_order_record()
    body = staff_client.get(reverse("staff:order-detail",
                                    args=[order.user_id, order.order_id])).content.decode()
    for text in ("Clean Code", "$42.99", "$3.44", "$5.99", "$52.42", "123 Main St"):
        assert text in body


def test_unknown_order_is_404(staff_client, tables):
    assert staff_client.get(reverse("staff:order-detail",
                                    args=["user-x", "order-x"])).status_code == 404


def test_customer_is_found_by_email_with_their_orders(staff_client, make_user,
                                                      make_order_record):
    customer = make_user(email="reader@example.com")
    order = make_order_record(user_id=customer.user_id)
    make_order_record(user_id="someone-else", order_id="order-not-theirs")
    response = staff_client.get(reverse("staff:customers"), {"email": "Reader@Example.com"})
    assert response.context["customer"].user_id == customer.user_id
    assert [o.order_id for o in response.context["orders"]] == [order.order_id]


def test_unknown_customer_says_so(staff_client, tables):
    response = staff_client.get(reverse("staff:customers"), {"email": "nobody@example.com"})
    assert "No customer has that email" in response.content.decode()
