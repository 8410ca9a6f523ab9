"""The sweep (manage.py sweep_payments): an abandoned payment frees its stock once after
the time limit, a payment whose webhook never came is confirmed, refunds are retried."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from cloudshelf.dynamo import utcnow
from store.catalog.models import Book
from store.orders.models import Order
from store.payments import gateway
from store.payments.services import payments_sweep
from tests.integration.test_payments import clean_code, placed  # noqa: F401 (fixtures)
from tests.payments_fixtures import card, intent_at_stripe


def stored(order):
    return Order.get(order.user_id, order.order_id, consistent_read=True)


def stock_of(book):
    return Book.get(book.category, book.book_id, consistent_read=True).stock_quantity


def sweep(minutes_later=0):
    return payments_sweep(now=utcnow() + timedelta(minutes=minutes_later))


def test_an_abandoned_payment_frees_its_stock_once_after_the_limit(placed, clean_code):  # noqa: F811
    reserved = stock_of(clean_code)
    assert sweep(minutes_later=5)["released"] == 0  # within the limit: still set aside
    assert stock_of(clean_code) == reserved

    assert sweep(minutes_later=31)["released"] == 1
    order = stored(placed)
    assert (order.status, order.payment_status) == ("payment_failed", "failed")
    assert stock_of(clean_code) == reserved + 1
    assert intent_at_stripe(placed.payment_intent_id).status == "canceled"

    assert sweep(minutes_later=60)["released"] == 0  # once
    assert stock_of(clean_code) == reserved + 1


def test_a_payment_whose_webhook_never_came_is_confirmed_by_the_sweep(placed):  # noqa: F811
    gateway.intent_pay(
        intent_id=placed.payment_intent_id,
        payment_method=card(),
        user_id=placed.user_id,
        order_id=placed.order_id,
        key="paid-while-offline",
    )
    assert stored(placed).status == "awaiting_payment"
    out = StringIO()
    call_command("sweep_payments", stdout=out)
    assert "confirmed 1 paid orders" in out.getvalue()
    order = stored(placed)
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    # Even past the limit, a paid order is never released.
    assert sweep(minutes_later=120) == {"confirmed": 0, "released": 0, "refunded": 0, "waiting": 0}


def test_the_dry_run_writes_nothing(placed, clean_code):  # noqa: F811
    reserved = stock_of(clean_code)
    assert payments_sweep(now=utcnow() + timedelta(hours=1), dry_run=True)["released"] == 1
    assert stored(placed).status == "awaiting_payment"
    assert stock_of(clean_code) == reserved


@pytest.mark.parametrize("minutes", [31])
def test_a_payment_arriving_after_the_release_is_refunded_in_full(placed, client, minutes):  # noqa: F811
    from store.payments.gateway import Intent
    from store.payments.services import payment_confirm

    sweep(minutes_later=minutes)
    released = stored(placed)
    late = Intent(
        id=placed.payment_intent_id,
        status="succeeded",
        amount=5242,
        currency="usd",
        client_secret="",
        metadata={"order_id": placed.order_id, "user_id": placed.user_id},
    )
    # The intent was cancelled at Stripe, so the refund cannot go through here; the order
    # says a refund is owed and the sweep keeps trying.
    assert payment_confirm(order=released, intent=late) is False
    order = stored(placed)
    assert order.status == "payment_failed"
    assert order.payment_status in ("refund_pending", "refunded")
