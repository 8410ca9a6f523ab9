"""Which cart a request uses, and the cart's two signed cookies.

* ``CART_COOKIE_NAME`` holds an anonymous visitor's random cart id (``anon-<hex>``, the
  ``user_id`` of that cart in the carts table). A signed-in shopper's cart is keyed by the
  user's id instead. Anonymous pages therefore never need a session.
* ``CART_COUNT_COOKIE_NAME`` holds ``<owner>|<items>``: the header shows the count from it
  without reading DynamoDB. It is rewritten whenever the cart changes (and when the cart page
  has read the cart), and ignored when it belongs to another cart than the request's.

Views and the sign-in receiver note the changes on the request; ``CartCookieMiddleware``
writes them on the response."""

import re
import secrets

from django.conf import settings
from django.utils.cache import patch_vary_headers

ANONYMOUS_PREFIX = "anon-"
ANONYMOUS_ID = re.compile(r"anon-[0-9a-f]{32}")
ID_SALT = "cloudshelf.cart.id"
COUNT_SALT = "cloudshelf.cart.count"
_PENDING = "_cart_cookies"


def _max_age():
    return settings.CART_TTL_DAYS * 24 * 60 * 60


def anonymous_cart_id(request):
    """The anonymous cart id this request's signed cookie carries, or None."""
    if getattr(request, "_cart_anonymous_forgotten", False):
        return None
    value = request.get_signed_cookie(settings.CART_COOKIE_NAME, default=None, salt=ID_SALT)
    if value and ANONYMOUS_ID.fullmatch(value):
        return value
    return None


def anonymous_cart_id_new():
    """A fresh anonymous cart id (``anon-`` and 128 random bits)."""
    return ANONYMOUS_PREFIX + secrets.token_hex(16)


def anonymous_cart_remember(request, cart_id):
    """Set the anonymous cart cookie on this response (once the cart was written)."""
    _pending(request)["anonymous_id"] = cart_id


def anonymous_cart_forget(request):
    """Drop the anonymous cart cookie (after its cart was merged into an account's)."""
    request._cart_anonymous_forgotten = True
    _pending(request)["anonymous_id"] = None


def cart_owner(request):
    """The carts-table ``user_id`` of this request's cart: the signed-in shopper's id, or
    the anonymous id from the cookie, or None (no cart yet)."""
    if request.user.is_authenticated:
        return request.user.user_id
    return anonymous_cart_id(request)


def cart_count_remember(request, *, owner, count):
    """Note the cart's new item count, for the header, on this response."""
    _pending(request)["count"] = (owner, int(count))


def _stored_count(request):
    value = request.get_signed_cookie(
        settings.CART_COUNT_COOKIE_NAME, default=None, salt=COUNT_SALT, max_age=_max_age()
    )
    owner, _, count = (value or "").rpartition("|")
    return (owner, int(count)) if owner and count.isdigit() else None


def cart_count_refresh(request, *, owner, count):
    """Correct the count cookie if it disagrees with a cart just read."""
    if owner and _stored_count(request) != (owner, count):
        cart_count_remember(request, owner=owner, count=count)


def cart_count_for_header(request):
    """The number of items in this request's cart, from the cookie alone (no DynamoDB
    read); 0 when the cookie is missing, forged or another cart's."""
    request._cart_count_shown = True
    stored = getattr(request, _PENDING, {}).get("count") or _stored_count(request)
    if stored is None:
        return 0
    owner, count = stored
    return count if owner == cart_owner(request) else 0


def _pending(request):
    if not hasattr(request, _PENDING):
        setattr(request, _PENDING, {})
    return getattr(request, _PENDING)


def cart_cookies_apply(request, response):
    """Write the cookie changes noted during the request."""
    pending = getattr(request, _PENDING, None) or {}
    options = {
        "max_age": _max_age(),
        "httponly": True,
        "samesite": "Lax",
        "secure": settings.SESSION_COOKIE_SECURE,
    }
    if "anonymous_id" in pending:
        if pending["anonymous_id"]:
            response.set_signed_cookie(
                settings.CART_COOKIE_NAME, pending["anonymous_id"], salt=ID_SALT, **options
            )
        else:
            response.delete_cookie(settings.CART_COOKIE_NAME, samesite="Lax")
    if "count" in pending:
        owner, count = pending["count"]
        response.set_signed_cookie(
            settings.CART_COUNT_COOKIE_NAME, f"{owner}|{count}", salt=COUNT_SALT, **options
        )
    if getattr(request, "_cart_count_shown", False):
        # The page shows a count read from a cookie: caches must key on cookies.
        patch_vary_headers(response, ("Cookie",))
