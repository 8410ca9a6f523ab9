"""Discount codes against the emulator: applying, the limits under races, cancelling."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from openapi_schema_validator import OAS31Validator

from cloudshelf.dynamo import utcnow
from store.orders import selectors, services
from store.orders.models import Order, guest_user_id
from store.promotions import services as promotion_services
from store.promotions.models import AMOUNT, FREE_SHIPPING, PERCENT, PromotionUse, uses_pk
from store.promotions.rules import CodeNotUsable, CodeUnknown
from store.promotions.selectors import promotion_get, promotion_orders_list
from store.promotions.services import PromotionFields
from tests.conftest import ADDRESS, add_to_cart, cart_of, place_form, review_checkout
from tests.integration.test_api_contract import answer_schema
from tests.integration.test_checkout import fill_cart, run_together
from tests.payments_fixtures import pay


@pytest.fixture
def staff(make_user):
    return make_user(is_staff=True)


@pytest.fixture
def make_code(staff):
    def make(code="SAVE10", kind=PERCENT, value="10", **fields):
        return promotion_services.promotion_create(
            actor=staff,
            code=code,
            values=PromotionFields(kind=kind, value=Decimal(value), **fields),
        )

    return make


def apply(user, code):
    return promotion_services.cart_discount_apply(owner=user.user_id, code=code)


def place(user):
    review = selectors.checkout_review_get(user_id=user.user_id)
    assert review.quote is not None, review.problems
    placed = services.order_place(user=user, shipping_address=ADDRESS, quote=review.quote)
    placed.order = pay(placed.order)
    return placed


def test_a_percentage_code_comes_off_before_tax(make_user, make_book, make_code):
    user = make_user()
    fill_cart(user, (make_book(price=Decimal("42.99")), 1))
    make_code()
    apply(user, "save10")
    order = place(user).order
    assert order.discount_code == "SAVE10"
    assert order.discount == Decimal("4.30")  # 4.299 half-up
    assert order.subtotal == Decimal("42.99")
    assert order.tax == Decimal("3.10")  # 8 % of 38.69 = 3.0952
    assert order.shipping == Decimal("5.99")
    assert order.total == Decimal("38.69") + Decimal("3.10") + Decimal("5.99")


def test_codes_are_case_insensitive_and_unique(make_code):
    make_code(code="Summer")
    with pytest.raises(promotion_services.CodeTaken):
        make_code(code="SUMMER")
    assert promotion_get(code=" summer ").code == "SUMMER"


def test_a_fixed_amount_never_exceeds_the_subtotal_and_free_shipping_waives_it(
    make_user, make_book, make_code
):
    user = make_user()
    fill_cart(user, (make_book(price=Decimal("3.00")), 1))
    make_code(code="TENOFF", kind=AMOUNT, value="10")
    assert apply(user, "TENOFF").amount == Decimal("3.00")
    make_code(code="SHIPFREE", kind=FREE_SHIPPING, value="0")
    apply(user, "SHIPFREE")
    order = place(user).order
    assert (order.discount, order.shipping, order.total) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("3.24"),
    )


def test_unknown_expired_paused_and_too_small_codes_say_why(
    make_user, make_book, make_code, staff
):
    user = make_user()
    fill_cart(user, (make_book(price=Decimal("10.00")), 1))
    before = cart_of(user.user_id).version
    with pytest.raises(CodeUnknown):
        apply(user, "NOPE")
    make_code(code="OLD", ends_at=utcnow() - timedelta(days=1))
    with pytest.raises(CodeNotUsable, match="expired"):
        apply(user, "OLD")
    make_code(code="LATER", starts_at=utcnow() + timedelta(days=2))
    with pytest.raises(CodeNotUsable, match="can be used from"):
        apply(user, "LATER")
    make_code(code="BIG", min_subtotal=Decimal("50"))
    with pytest.raises(CodeNotUsable, match=r"at least \$50.00; yours is \$10.00"):
        apply(user, "BIG")
    make_code(code="PAUSED")
    promotion_services.promotion_state_set(actor=staff, code="PAUSED", state="paused")
    with pytest.raises(CodeNotUsable, match="paused"):
        apply(user, "PAUSED")
    assert cart_of(user.user_id).version == before  # nothing changed
    assert cart_of(user.user_id).discount_code is None


def test_a_category_code_discounts_only_its_categories(make_user, make_book, make_code):
    user = make_user()
    fiction = make_book(category="Fiction", price=Decimal("20.00"))
    tech = make_book(category="Technology", price=Decimal("30.00"))
    make_code(code="FICTION", value="50", categories=("Fiction",))
    fill_cart(user, (tech, 1))
    with pytest.raises(CodeNotUsable, match="applies only to books in Fiction"):
        apply(user, "FICTION")
    fill_cart(user, (fiction, 1))
    assert apply(user, "FICTION").amount == Decimal("10.00")
    assert place(user).order.discount == Decimal("10.00")


def test_a_named_book_code_discounts_only_that_book(make_user, make_book, make_code):
    user = make_user()
    named = make_book(price=Decimal("12.00"))
    other = make_book(price=Decimal("8.00"))
    make_code(code="ONEBOOK", value="25", books=(f"{named.category}/{named.book_id}",))
    fill_cart(user, (named, 1), (other, 1))
    assert apply(user, "ONEBOOK").amount == Decimal("3.00")


def test_thirty_shoppers_racing_for_a_five_use_code_give_five_discounted_orders(
    make_user, make_book, make_code, streams
):
    book = make_book(stock_quantity=100)
    make_code(code="FIVE", max_uses=5)
    shoppers = [make_user() for _ in range(30)]
    quotes = {}
    for user in shoppers:
        fill_cart(user, (book, 1))
        apply(user, "FIVE")
        quotes[user.user_id] = selectors.checkout_review_get(user_id=user.user_id).quote
        assert quotes[user.user_id].code == "FIVE"

    results = run_together(
        [
            lambda user=user: services.order_place(
                user=user, shipping_address=ADDRESS, quote=quotes[user.user_id]
            )
            for user in shoppers
        ]
    )

    placed = [r for r in results if isinstance(r, services.PlacedOrder)]
    refused = [r for r in results if isinstance(r, services.OrderNotPlaced)]
    assert len(placed) == 5 and len(refused) == 25, results
    assert all(p.order.discount == Decimal("1.00") for p in placed)
    for error in refused:  # "has just been used" (the transaction) or "has been used" (a
        # racer that read the code after the fifth use): either way the code is named
        assert "FIVE has" in error.problems[0]
        assert "been used as many times as it may be" in error.problems[0]
    code = promotion_get(code="FIVE", consistent_read=True)
    assert code.uses == 5 and code.discount_given == Decimal("5.00")
    assert len(promotion_orders_list(code="FIVE")) == 5
    for result in placed:
        pay(result.order)
    streams.deliver()
    assert len(mail.outbox) == 5


def test_the_per_customer_limit_holds_across_two_tabs(client, make_user, make_book, make_code):
    from django.test import Client

    from tests.conftest import sign_in

    user = make_user()
    first, second = sign_in(Client(), user), sign_in(Client(), user)
    book = make_book()
    make_code(code="ONCE", per_customer=1)
    add_to_cart(first, book)
    first.post("/cart/discount/", {"discount_code": "once"})
    review = review_checkout(first)
    # The second tab shops on after the first tab reviewed, and applies the code too.
    placed = first.post("/checkout/place/", place_form(review))
    assert placed.status_code == 302 and "/orders/" in placed["Location"]
    add_to_cart(second, book)
    second.post("/cart/discount/", {"discount_code": "ONCE"})
    review = review_checkout(second)
    refused = second.post("/checkout/place/", place_form(review), follow=True)
    assert "You have already used the discount code ONCE as often as one customer may (once)" in (
        refused.content.decode()
    )
    assert len(list(Order.query(user.user_id))) == 1
    assert promotion_get(code="ONCE", consistent_read=True).uses == 1


def test_a_code_changed_after_review_stops_the_order_and_says_what_changed(
    make_user, make_book, make_code, staff
):
    user = make_user()
    fill_cart(user, (make_book(price=Decimal("20.00")), 1))
    promotion = make_code(code="CHANGE")
    apply(user, "CHANGE")
    quote = selectors.checkout_review_get(user_id=user.user_id).quote
    values = promotion_services.promotion_fields_of(promotion)
    promotion_services.promotion_update(
        actor=staff,
        code="CHANGE",
        values=PromotionFields(**{**values.__dict__, "value": Decimal("5")}),
        version=promotion.version,
    )
    with pytest.raises(services.OrderNotPlaced) as refused:
        services.order_place(user=user, shipping_address=ADDRESS, quote=quote)
    assert "now takes $1.00 off instead of $2.00" in refused.value.problems[0]
    promotion_services.promotion_state_set(actor=staff, code="CHANGE", state="ended")
    with pytest.raises(services.OrderNotPlaced) as refused:
        services.order_place(user=user, shipping_address=ADDRESS, quote=quote)
    assert "The discount code CHANGE has ended." in refused.value.problems[0]
    assert list(Order.query(user.user_id)) == []


def test_a_cancelled_order_gives_its_use_back_once(make_user, make_book, make_code):
    user = make_user()
    make_code(code="BACK", max_uses=1, per_customer=1)
    fill_cart(user, (make_book(), 1))
    apply(user, "BACK")
    order = place(user).order
    assert promotion_get(code="BACK", consistent_read=True).uses == 1
    services.order_cancel(user_id=user.user_id, order_id=order.order_id)
    with pytest.raises(services.OrderStatusConflict):
        services.order_cancel(user_id=user.user_id, order_id=order.order_id)
    code = promotion_get(code="BACK", consistent_read=True)
    assert (code.uses, code.placed, code.discount_given) == (0, 1, Decimal("0.00"))
    customer = PromotionUse.get(uses_pk("BACK"), f"customer#{user.user_id}", consistent_read=True)
    assert customer.times == 0
    # The use given back can be used again, by the same customer.
    fill_cart(user, (make_book(), 1))
    apply(user, "BACK")
    assert place(user).order.discount_code == "BACK"


def test_a_used_code_cannot_be_deleted_but_an_unused_one_can(
    make_user, make_book, make_code, staff
):
    make_code(code="UNUSED")
    promotion_services.promotion_delete(actor=staff, code="UNUSED")
    assert promotion_get(code="UNUSED") is None
    user = make_user()
    make_code(code="USED")
    fill_cart(user, (make_book(), 1))
    apply(user, "USED")
    order = place(user).order
    services.order_cancel(user_id=user.user_id, order_id=order.order_id)
    with pytest.raises(promotion_services.PromotionStateConflict, match="end it instead"):
        promotion_services.promotion_delete(actor=staff, code="USED")


def test_applying_a_code_costs_one_getitem_of_the_code(
    make_user, make_book, make_code, dynamodb_requests
):
    user = make_user()
    fill_cart(user, (make_book(), 1))
    make_code()
    dynamodb_requests.clear()
    apply(user, "SAVE10")
    assert dynamodb_requests == {"GetItem": 2, "UpdateItem": 1}  # the cart's and the code's


def test_placing_with_a_code_is_still_one_transaction(
    make_user, make_book, make_code, dynamodb_requests
):
    user = make_user()
    fill_cart(user, (make_book(), 1))
    make_code()
    apply(user, "SAVE10")
    quote = selectors.checkout_review_get(user_id=user.user_id).quote
    dynamodb_requests.clear()
    services.order_place(user=user, shipping_address=ADDRESS, quote=quote)
    # The cart, its books, the code (consistent), the payment time limit, ONE transaction.
    assert dynamodb_requests == {"GetItem": 3, "BatchGetItem": 1, "TransactWriteItems": 1}


def test_the_cart_page_shows_the_discount_line_and_the_new_total(client, make_book, make_code):
    make_code()
    add_to_cart(client, make_book(price=Decimal("42.99")))
    response = client.post("/cart/discount/", {"discount_code": "save10"}, follow=True)
    body = response.content.decode()
    assert "The discount code SAVE10 is applied: 10 % off." in body
    assert 'data-figure="discount">−$4.30' in body
    assert "$47.78" in body  # 38.69 + 3.10 tax + 5.99 shipping


def test_an_unknown_code_at_the_cart_says_so_and_changes_nothing(client, make_book):
    add_to_cart(client, make_book())
    response = client.post("/cart/discount/", {"discount_code": "NOSUCH"}, follow=True)
    assert "There is no such discount code." in response.content.decode()
    assert 'data-figure="discount"' not in response.content.decode()


@pytest.mark.parametrize(
    "value",
    ["", " ", "x" * 41, "<script>", "a/b", "DROP TABLE;", "\x00", "ÉTÉ", "💸"],
)
def test_hostile_codes_at_the_cart_are_a_400_with_the_rule(client, make_book, value):
    add_to_cart(client, make_book())
    response = client.post("/cart/discount/", {"discount_code": value})
    assert response.status_code == 400
    assert "discount code" in response.content.decode().lower()


def test_a_code_can_be_applied_at_review(shopper_client, make_book, make_code):
    make_code()
    add_to_cart(shopper_client, make_book(price=Decimal("20.00")))
    response = shopper_client.post(
        "/checkout/", {**ADDRESS, "discount_code": "SAVE10", "apply_code": "1"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "−$2.00" in body
    placed = shopper_client.post("/checkout/place/", place_form(response), follow=True)
    assert "Discount (SAVE10)" in placed.content.decode()
    bad = shopper_client.post("/checkout/", {**ADDRESS, "discount_code": "<b>", "apply_code": "1"})
    assert bad.status_code in (302, 400)


def test_a_guest_applies_a_code_at_review_and_the_order_carries_it(client, make_book, make_code):
    make_code()
    add_to_cart(client, make_book(price=Decimal("20.00")))
    guest = {"email": "grace@example.com", "name": "Grace Hopper"}
    response = client.post(
        "/checkout/", {**guest, **ADDRESS, "discount_code": "SAVE10", "apply_code": "1"}
    )
    assert response.status_code == 200
    assert "−$2.00" in response.content.decode()
    placed = client.post("/checkout/place/", place_form(response))
    assert placed.status_code == 302
    [order] = list(Order.query(guest_user_id("grace@example.com"), consistent_read=True))
    assert (order.discount_code, order.discount) == ("SAVE10", Decimal("2.00"))


def test_hostile_review_code_is_a_400(shopper_client, make_book):
    add_to_cart(shopper_client, make_book())
    response = shopper_client.post(
        "/checkout/", {**ADDRESS, "discount_code": "x" * 500, "apply_code": "1"}
    )
    assert response.status_code == 400


def test_a_code_that_no_longer_applies_blocks_checkout_with_the_reason(
    shopper_client, make_book, make_code, staff
):
    make_code(code="GONE")
    add_to_cart(shopper_client, make_book())
    shopper_client.post("/cart/discount/", {"discount_code": "GONE"})
    promotion_services.promotion_state_set(actor=staff, code="GONE", state="ended")
    response = shopper_client.post("/checkout/", ADDRESS, follow=True)
    assert "The discount code GONE has ended. Remove the code" in response.content.decode()
    shopper_client.post("/cart/discount/remove/")
    assert cart_of(shopper_client.user.user_id).discount_code is None
    assert review_checkout(shopper_client).context["review"].quote.code is None


# --- The JSON API ---------------------------------------------------------------------------


def test_the_api_cart_and_order_show_the_discount_as_described(
    shopper_client, make_book, make_code
):
    make_code()
    add_to_cart(shopper_client, make_book(price=Decimal("42.99")))
    shopper_client.post("/cart/discount/", {"discount_code": "save10"})
    cart = shopper_client.get("/api/v1/cart", HTTP_ORIGIN="http://testserver")
    body = cart.json()
    validate(answer_schema("/cart", 200), body)
    assert body["discount"] == {
        "code": "SAVE10",
        "label": "10 % off",
        "amount": "4.30",
        "free_shipping": False,
        "problem": None,
    }
    assert (body["subtotal"], body["tax"], body["total"]) == ("42.99", "3.10", "47.78")
    placed = shopper_client.post("/checkout/place/", place_form(review_checkout(shopper_client)))
    order_id = placed["Location"].split("/")[2]
    order = shopper_client.get(f"/api/v1/orders/{order_id}").json()
    validate(answer_schema("/orders/{order_id}", 200), order)
    assert (order["discount_code"], order["discount"], order["total"]) == (
        "SAVE10",
        "4.30",
        "47.78",
    )


def validate(schema, body):
    OAS31Validator(schema).validate(body)


def test_the_cart_page_with_a_code_costs_one_more_getitem(
    shopper_client, make_book, make_code, dynamodb_requests
):
    add_to_cart(shopper_client, make_book())
    shopper_client.get("/cart/")
    dynamodb_requests.clear()
    shopper_client.get("/cart/")
    without = dict(dynamodb_requests)
    make_code()
    shopper_client.post("/cart/discount/", {"discount_code": "SAVE10"})
    dynamodb_requests.clear()
    shopper_client.get("/cart/")
    assert dynamodb_requests["GetItem"] == without["GetItem"] + 1
    assert {op: n for op, n in dynamodb_requests.items() if op != "GetItem"} == {
        op: n for op, n in without.items() if op != "GetItem"
    }


def test_an_anonymous_visitor_can_apply_a_code_and_keeps_it_in_the_cart(
    client, make_book, make_code
):
    make_code(code="ANON")
    add_to_cart(client, make_book(price=Decimal("10.00")))
    response = client.post("/cart/discount/", {"discount_code": "anon"}, follow=True)
    assert response.context["cart"].discount.amount == Decimal("1.00")
    removed = client.post("/cart/discount/remove/", follow=True)
    assert "The discount code was removed" in removed.content.decode()
    assert removed.context["cart"].discount is None


def test_applying_to_an_empty_cart_says_so(client, tables):
    response = client.post("/cart/discount/", {"discount_code": "SAVE10"}, follow=True)
    assert "Your cart is empty: add books before entering a discount code." in (
        response.content.decode()
    )
