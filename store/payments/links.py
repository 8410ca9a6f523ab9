"""Absolute links into the payment pages, for Stripe (its return URL after 3-D Secure)."""

from django.conf import settings
from django.urls import reverse


def payment_return_url(*, user_id: str, order_id: str) -> str:
    path = reverse("store:payment-return", kwargs={"order_id": order_id})
    if user_id.startswith("guest-"):
        from urllib.parse import urlencode

        from django.core import signing

        from store.orders.guest import SALT

        token = signing.dumps([user_id, order_id], salt=SALT, compress=True)
        path += "?" + urlencode({"access": token})
    return settings.SITE_URL.rstrip("/") + path
