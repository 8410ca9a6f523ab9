"""Reads of orders, and of what a checkout would place."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from accounts.models import User
from accounts.selectors import user_get_by_email
from store.cart.models import Cart
from store.cart.selectors import CartView, cart_detail_get, line_key
from store.cart.services import ORDER_MAX_LINES
from store.orders.models import SALES_DAY_PK, Order, SalesDay
from store.orders.quotes import CheckoutQuote
from store.pagination import decode_page_token, encode_page_token

ORDER_ID = re.compile(r"[A-Za-z0-9-]{1,100}")
SUFFIX_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to read aloud


def checkout_order_id(*, user_id: str, cart: Cart) -> str:
    """The id of the order that checks out this cart as it is now. The same cart state
    always gives the same id, so a double click, a resubmitted form or a retry after a
    timeout meets the order already written (the write is conditioned on its absence).
    The time part is the cart's last change, so a shopper's orders sort by time."""
    seed = f"{user_id}|{cart.cart_ref or cart.created_at.isoformat()}|{cart.version}"
    digest = hashlib.sha256(seed.encode()).digest()
    suffix = "".join(SUFFIX_ALPHABET[byte % 32] for byte in digest[:8])
    return f"order-{cart.updated_at:%Y%m%d-%H%M%S}-{suffix}"


def order_get(
    *, user_id: str | None, order_id: object, consistent_read: bool = False
) -> Order | None:
    """One of this user's orders (one GetItem), or None. The key always holds the user's
    id, so nobody reaches another shopper's order."""
    if not user_id or not isinstance(order_id, str) or not ORDER_ID.fullmatch(order_id):
        return None
    try:
        return Order.get(user_id, order_id, consistent_read=consistent_read)
    except Order.DoesNotExist:
        return None


def order_history_page(
    *, user_id: str, page_token: str | None = None, page_size: int = 10
) -> tuple[list[Order], str | None]:
    """One page of the user's orders, newest first (one Query). Returns
    ``(orders, next_token)``; raises InvalidPageToken for a token that is not ours."""
    scope = f"orders:{user_id}"
    start_key = decode_page_token(page_token, scope=scope)
    results = Order.query(
        user_id,
        scan_index_forward=False,
        limit=page_size,
        page_size=page_size,
        last_evaluated_key=start_key,
    )
    orders = list(results)
    return orders, encode_page_token(results.last_evaluated_key, scope=scope)


@dataclass
class CheckoutReview:
    cart: CartView
    quote: CheckoutQuote | None = None
    problems: list[str] = field(default_factory=list)


def checkout_review_get(*, user_id: str) -> CheckoutReview:
    """What placing the order would do now: the cart at current prices (one GetItem and
    one BatchGet, and one GetItem of its discount code if it has one), why it cannot be placed if it cannot, else the quote to agree to."""
    cart = cart_detail_get(owner=user_id)
    problems = list(cart.problems)
    if len(cart.lines) > ORDER_MAX_LINES:
        problems.append(
            f"An order can hold at most {ORDER_MAX_LINES} different books; "
            f"your cart has {len(cart.lines)}."
        )
    if cart.is_empty or problems:
        return CheckoutReview(cart=cart, problems=problems)
    assert cart.cart is not None  # a cart with lines is a stored cart
    if cart.discount_problem:
        return CheckoutReview(
            cart=cart,
            problems=[cart.discount_problem + " Remove the code, or try another, to check out."],
        )
    discount = cart.discount
    quote = CheckoutQuote(
        order_id=checkout_order_id(user_id=user_id, cart=cart.cart),
        prices={line_key(line.category, line.book_id): line.price for line in cart.lines},
        code=discount.code if discount else None,
        code_version=discount.version if discount else None,
        discount=discount.amount if discount else None,
    )
    return CheckoutReview(cart=cart, quote=quote)


def order_list_for_day(
    *, day: date, page_token: str | None = None, page_size: int = 50
) -> tuple[list[Order], str | None]:
    """One page of a day's orders through OrderDateIndex, newest first (one Query)."""
    scope = f"staff-orders:{day.isoformat()}"
    start_key = decode_page_token(page_token, scope=scope)
    results = Order.order_date_index.query(
        day.isoformat(),
        scan_index_forward=False,
        limit=page_size,
        page_size=page_size,
        last_evaluated_key=start_key,
    )
    orders = list(results)
    return orders, encode_page_token(results.last_evaluated_key, scope=scope)


def customer_orders_get(*, email: str, limit: int = 50) -> tuple[User | None, list[Order]]:
    """``(user, orders)`` for an email (EmailIndex, then one Query of their orders, newest
    first), or ``(None, [])``."""
    user = user_get_by_email(email=email)
    if user is None:
        return None, []
    return user, list(Order.query(user.user_id, scan_index_forward=False, limit=limit))


def sales_days_list(*, first: date, last: date) -> list[SalesDay]:
    """The daily-sales figures kept for the days from ``first`` to ``last`` (ONE Query of
    the projections table, oldest first); a day without orders has no item."""
    return list(
        SalesDay.query(SALES_DAY_PK, SalesDay.sk.between(first.isoformat(), last.isoformat()))
    )


def guest_orders_list(*, email: str, limit: int = 50) -> list[Order]:
    """The orders placed as a guest with ``email`` (one Query), newest first. Shown to the
    account of that email only: registering proves the address is theirs."""
    from store.orders.models import guest_user_id

    return list(Order.query(guest_user_id(email), scan_index_forward=False, limit=limit))
