"""A guest's way back to their order without an account: a signed, unguessable token
naming exactly one order (django.core.signing, with its own salt), carried as
``?access=<token>`` on that order's pages. It opens that order's pages and nothing else."""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse

from store.orders.models import Order
from store.orders.selectors import order_get

SALT = "cloudshelf.guest-order"
MAX_AGE = 180 * 24 * 60 * 60  # a link in an email keeps working for half a year


def guest_token(order: Order) -> str:
    return signing.dumps([order.user_id, order.order_id], salt=SALT, compress=True)


def guest_owner(*, token: object, order_id: str) -> str | None:
    """The guest user_id ``token`` grants ``order_id`` to, or None; no request is made."""
    if not isinstance(token, str) or not token:
        return None
    try:
        user_id, named = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if named != order_id or not str(user_id).startswith("guest-"):
        return None
    return str(user_id)


def guest_order_get(*, token: object, order_id: str) -> Order | None:
    """The guest order ``token`` names if it is ``order_id`` (one GetItem), else None."""
    user_id = guest_owner(token=token, order_id=order_id)
    return None if user_id is None else order_get(user_id=user_id, order_id=order_id)


def guest_path(order: Order, name: str = "store:order-detail") -> str:
    """The path of one of ``order``'s pages with its access token."""
    path = reverse(name, kwargs={"order_id": order.order_id})
    return f"{path}?{urlencode({'access': guest_token(order)})}"


def guest_url(order: Order, name: str = "store:order-detail") -> str:
    return settings.SITE_URL.rstrip("/") + guest_path(order, name)
