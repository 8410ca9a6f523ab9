"""Helpers for tests of card payments against the suite's localstripe: a card made as the
browser's Stripe.js makes it (a token, with the publishable key), and webhook deliveries
signed as Stripe signs them."""

import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

from django.conf import settings

SUCCESS_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000341"
THREE_D_SECURE_CARD = "4000000000003220"


def card(number=SUCCESS_CARD):
    """A card's id at localstripe, as Stripe.js would make it in the shopper's browser."""
    data = urllib.parse.urlencode(
        {
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
            "key": settings.STRIPE_PUBLISHABLE_KEY,
        }
    ).encode()
    with urllib.request.urlopen(settings.STRIPE_API_BASE + "/v1/tokens", data, timeout=10) as r:
        return json.load(r)["card"]["id"]


def intent_at_stripe(intent_id):
    from store.payments import gateway

    return gateway.intent_get(intent_id)


def signed(payload: bytes, secret=None, timestamp=None):
    """The ``Stripe-Signature`` header of ``payload``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    secret = settings.STRIPE_WEBHOOK_SECRET if secret is None else secret
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def succeeded_event(order, *, amount=None, intent_id=None, event_id="evt_test_1"):
    """A ``payment_intent.succeeded`` event for ``order``'s intent, as JSON bytes."""
    event = {
        "id": event_id,
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": intent_id or order.payment_intent_id,
                "object": "payment_intent",
                "status": "succeeded",
                "amount": order.amount_cents if amount is None else amount,
                "currency": "usd",
                "metadata": {"order_id": order.order_id, "user_id": order.user_id},
            }
        },
    }
    return json.dumps(event).encode()


def post_webhook(client, payload, signature):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature else {}
    return client.post("/payments/webhook/", payload, content_type="application/json", **headers)


def pay(order, number=SUCCESS_CARD):
    """Pay ``order`` with a card, as its payment page does; returns the order as stored."""
    from store.orders.models import Order
    from store.payments.services import payment_submit

    payment_submit(order=order, payment_method=card(number))
    return Order.get(order.user_id, order.order_id, consistent_read=True)


def pay_orders_of(user_id):
    """Pay every order of ``user_id`` still awaiting its payment."""
    from store.orders.models import Order

    for order in Order.query(user_id, consistent_read=True):
        if order.status == "awaiting_payment":
            pay(order)
