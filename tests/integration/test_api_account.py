"""The JSON API of a signed-in shopper: the cart and the orders, against the emulator."""

import json

import pytest

from store.cart import services as cart_services
from store.cart.selectors import cart_get
from store.orders import selectors as order_selectors
from store.orders import services as order_services
from tests.conftest import ADDRESS, SAME_ORIGIN
from tests.payments_fixtures import pay


def send(client, method, path, body=None, **headers):
    headers = {**SAME_ORIGIN, **headers}
    if method == "get":
        return client.get(path, **headers)
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(path, data, content_type="application/json", **headers)


def assert_error(response, status, code):
    assert response.status_code == status, response.content.decode()[:300]
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


@pytest.fixture
def clean_code(make_book):
    from decimal import Decimal

    return make_book(
        book_id="tech-001", title="Clean Code", price=Decimal("42.99"), stock_quantity=25
    )


def place_order(user, book, quantity=1):
    cart_services.cart_item_add(
        owner=user.user_id, category=book.category, book_id=book.book_id, quantity=quantity
    )
    review = order_selectors.checkout_review_get(user_id=user.user_id)
    order = order_services.order_place(
        user=user, shipping_address=ADDRESS, quote=review.quote
    ).order
    return pay(order)


# --- Who may use it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/cart"),
        ("post", "/api/v1/cart/items"),
        ("patch", "/api/v1/cart/items/Technology/tech-001"),
        ("delete", "/api/v1/cart/items/Technology/tech-001"),
        ("get", "/api/v1/orders"),
        ("get", "/api/v1/orders/order-1"),
    ],
)
def test_anonymous_visitor_gets_a_json_401(client, tables, method, path):
    assert_error(send(client, method, path, {}), 401, "not_authenticated")


def test_change_without_origin_is_refused(shopper_client, clean_code):
    response = shopper_client.post(
        "/api/v1/cart/items",
        json.dumps({"category": "Technology", "book_id": "tech-001"}),
        content_type="application/json",
    )
    assert_error(response, 403, "forbidden")


def test_change_from_another_site_is_refused(shopper_client, clean_code):
    response = send(
        shopper_client,
        "post",
        "/api/v1/cart/items",
        {"category": "Technology", "book_id": "tech-001"},
        HTTP_ORIGIN="https://evil.example",
    )
    assert_error(response, 403, "forbidden")
    assert cart_get(owner=shopper_client.user.user_id) is None


def test_change_sent_as_a_form_is_415(shopper_client, clean_code):
    response = shopper_client.post(
        "/api/v1/cart/items", {"category": "Technology", "book_id": "tech-001"}, **SAME_ORIGIN
    )
    assert_error(response, 415, "unsupported_media_type")


# --- The cart ------------------------------------------------------------------------------


def test_empty_cart(shopper_client, tables):
    body = send(shopper_client, "get", "/api/v1/cart").json()
    assert body["lines"] == [] and body["item_count"] == 0 and body["total"] == "0.00"


def test_adding_a_book_gives_the_seeds_worked_totals(shopper_client, clean_code):
    response = send(
        shopper_client,
        "post",
        "/api/v1/cart/items",
        {"category": "Technology", "book_id": "tech-001"},
    )
    assert response.status_code == 200
    body = response.json()
    assert [(ln["book_id"], ln["quantity"], ln["unit_price"]) for ln in body["lines"]] == [
        ("tech-001", 1, "42.99")
    ]
    assert (body["subtotal"], body["tax"], body["shipping"], body["total"]) == (
        "42.99",
        "3.44",
        "5.99",
        "52.42",
    )


def test_the_api_and_the_cart_page_share_one_cart(shopper_client, clean_code):
    send(
        shopper_client,
        "post",
        "/api/v1/cart/items",
        {"category": "Technology", "book_id": "tech-001", "quantity": 2},
    )
    page = shopper_client.get("/cart/")
    assert [(ln.book_id, ln.quantity) for ln in page.context["cart"].lines] == [("tech-001", 2)]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"book_id": "tech-001"}, "category"),
        ({"category": "Technology", "book_id": "tech-001", "quantity": 0}, "quantity"),
        ({"category": "Technology", "book_id": "tech-001", "quantity": "2"}, "quantity"),
        ({"category": "Technology", "book_id": "tech-001", "quantity": True}, "quantity"),
        ({"category": "Technology", "book_id": "tech-001", "quantity": 11}, "quantity"),
    ],
)
def test_invalid_add_is_a_400_naming_the_field(shopper_client, clean_code, body, field):
    error = assert_error(
        send(shopper_client, "post", "/api/v1/cart/items", body), 400, "invalid_request"
    )
    assert set(error["fields"]) == {field}


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", "null"])
def test_a_body_that_is_not_a_json_object_is_a_400(shopper_client, clean_code, raw):
    response = shopper_client.post(
        "/api/v1/cart/items", raw, content_type="application/json", **SAME_ORIGIN
    )
    assert_error(response, 400, "invalid_request")


def test_adding_a_sold_out_book_is_a_409(shopper_client, make_book):
    book = make_book(stock_quantity=0)
    response = send(
        shopper_client,
        "post",
        "/api/v1/cart/items",
        {"category": book.category, "book_id": book.book_id},
    )
    assert_error(response, 409, "book_sold_out")


def test_adding_more_than_the_stock_is_a_409(shopper_client, make_book):
    book = make_book(stock_quantity=2)
    response = send(
        shopper_client,
        "post",
        "/api/v1/cart/items",
        {"category": book.category, "book_id": book.book_id, "quantity": 3},
    )
    assert_error(response, 409, "not_enough_stock")


def test_adding_a_hidden_book_is_a_404(shopper_client, make_book):
    book = make_book(hidden=True)
    response = send(
        shopper_client,
        "post",
        "/api/v1/cart/items",
        {"category": book.category, "book_id": book.book_id},
    )
    assert_error(response, 404, "not_found")


def test_changing_the_quantity_of_a_line(shopper_client, clean_code):
    send(
        shopper_client,
        "post",
        "/api/v1/cart/items",
        {"category": "Technology", "book_id": "tech-001"},
    )
    body = send(
        shopper_client, "patch", "/api/v1/cart/items/Technology/tech-001", {"quantity": 3}
    ).json()
    assert body["item_count"] == 3 and body["subtotal"] == "128.97"


def test_changing_a_book_not_in_the_cart_is_a_404(shopper_client, clean_code):
    response = send(
        shopper_client, "patch", "/api/v1/cart/items/Technology/tech-001", {"quantity": 3}
    )
    assert_error(response, 404, "not_found")


def test_removing_a_line(shopper_client, clean_code):
    send(
        shopper_client,
        "post",
        "/api/v1/cart/items",
        {"category": "Technology", "book_id": "tech-001"},
    )
    body = send(shopper_client, "delete", "/api/v1/cart/items/Technology/tech-001").json()
    assert body["lines"] == [] and body["total"] == "0.00"


def test_cart_answers_are_private_and_never_stored(shopper_client, tables):
    response = send(shopper_client, "get", "/api/v1/cart")
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]


def test_reading_the_cart_costs_a_session_a_user_and_the_cart(
    shopper_client, clean_code, dynamodb_requests
):
    send(
        shopper_client,
        "post",
        "/api/v1/cart/items",
        {"category": "Technology", "book_id": "tech-001"},
    )
    dynamodb_requests.clear()
    send(shopper_client, "get", "/api/v1/cart")
    # Session, user and cart (GetItem each), and the cart's books (one BatchGetItem).
    assert dict(dynamodb_requests) == {"GetItem": 3, "BatchGetItem": 1}


# --- Orders --------------------------------------------------------------------------------


def test_orders_lists_the_shoppers_orders(shopper_client, clean_code):
    order = place_order(shopper_client.user, clean_code)
    body = send(shopper_client, "get", "/api/v1/orders").json()
    assert [(o["order_id"], o["total"], o["item_count"]) for o in body["orders"]] == [
        (order.order_id, "52.42", 1)
    ]
    assert body["next_page_token"] is None


def test_an_order_has_its_lines_totals_and_address(shopper_client, clean_code):
    order = place_order(shopper_client.user, clean_code, quantity=2)
    body = send(shopper_client, "get", f"/api/v1/orders/{order.order_id}").json()
    assert [(ln["book_id"], ln["quantity"], ln["line_total"]) for ln in body["items"]] == [
        ("tech-001", 2, "85.98")
    ]
    assert body["shipping_address"]["city"] == "Anytown"
    assert body["status"] == "confirmed"


def test_another_shoppers_order_is_a_404(shopper_client, clean_code, make_user):
    other = make_user()
    order = place_order(other, clean_code)
    assert_error(send(shopper_client, "get", f"/api/v1/orders/{order.order_id}"), 404, "not_found")


def test_orders_page_through_their_tokens(shopper_client, make_book):
    ids = set()
    for n in range(3):
        ids.add(place_order(shopper_client.user, make_book(title=f"Book {n}")).order_id)
    first = send(shopper_client, "get", "/api/v1/orders?page_size=2").json()
    second = send(
        shopper_client, "get", f"/api/v1/orders?page_size=2&page_token={first['next_page_token']}"
    ).json()
    assert {o["order_id"] for o in first["orders"] + second["orders"]} == ids
