"""Placing, cancelling and advancing orders. Each is one DynamoDB transaction whose
conditions make it safe under races: no overselling, no double order, no double refund
of stock.

Staff changes go through the same services, with an audit entry for the order and, for a
cancellation, one for each book put back in stock (``order_status_set``). The order
services run their own transaction (a cancellation restores the stock in it), so the audit
entries are written right after it succeeds, in one BatchWriteItem."""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition

from accounts.models import User
from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.dynamo_errors import (
    failed_actions,
    is_conditional_failure,
    is_conflict,
    retry_pause,
)
from cloudshelf.errors import ApplicationError
from store.audit.models import AuditEntry, book_subject, order_subject
from store.cart.models import Cart, CartLine
from store.cart.pricing import order_pricing
from store.cart.selectors import books_get, cart_get, copies_left, line_key, line_problem
from store.cart.services import ORDER_MAX_LINES
from store.catalog.models import Book
from store.orders.models import Address, Order, OrderLine, guest_user_id
from store.orders.quotes import CheckoutQuote
from store.orders.selectors import checkout_order_id, order_get
from store.promotions.models import Promotion
from store.promotions.rules import Discount, PricedLine, PromotionError, promotion_discount
from store.promotions.selectors import promotion_get
from store.promotions.services import use_actions_add, use_actions_return
from store.templatetags.store_tags import money

log = logging.getLogger(__name__)

CONFIRMED, SHIPPED, DELIVERED, CANCELLED = "confirmed", "shipped", "delivered", "cancelled"
# An order waits for its card payment, then is confirmed (store/payments/); one whose
# payment never came releases its stock and becomes payment_failed.
AWAITING_PAYMENT, PAYMENT_FAILED = "awaiting_payment", "payment_failed"
STATUSES = (AWAITING_PAYMENT, CONFIRMED, SHIPPED, DELIVERED, CANCELLED, PAYMENT_FAILED)
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    CONFIRMED: (SHIPPED, CANCELLED),
    SHIPPED: (DELIVERED,),
}
TRANSACTION_ATTEMPTS = 3
CODE_ACTIONS = 3  # a discount code's use adds three actions to the placing transaction


class CheckoutError(ApplicationError):
    message = "Your order could not be placed."

    def __init__(
        self, message: str | None = None, *, problems: Iterable[str] = (), **details: Any
    ) -> None:
        super().__init__(message, **details)
        self.problems = list(problems) or [self.message]


class CartEmpty(CheckoutError):
    message = "Your cart is empty."


class CartChanged(CheckoutError):
    message = (
        "Your cart changed since you reviewed your order, so it was not placed. "
        "Please check your cart and review the order again."
    )


class OrderNotPlaced(CheckoutError):
    message = "Your order was not placed, and your cart is as it was."


class OrderError(ApplicationError):
    message = "The order could not be changed."


class OrderNotFound(OrderError):
    message = "There is no such order."


class OrderStatusConflict(OrderError):
    message = "The order's status does not allow that."


def payment_time_limit_minutes() -> int:
    """How long an unpaid order holds its stock (staff set it: one GetItem)."""
    from store.payments.selectors import payment_time_limit_minutes as limit

    return limit()


@dataclass
class PlacedOrder:
    order: Order
    created: bool  # False: the order already existed (a double submit); nothing was done


def _pause(attempt: int) -> None:
    retry_pause(attempt, low=0.01, high=0.05)


def _still_sellable(line: CartLine | OrderLine) -> Condition:
    """The condition of a line's stock update: enough copies left, at the reviewed price,
    and the book still shown in the store."""
    shown = Book.hidden.does_not_exist() | (Book.hidden == False)  # noqa: E712
    return (Book.stock_quantity >= line.quantity) & (Book.price == line.price) & shown


def _checkout_problems(cart: Cart, books: dict, quote: CheckoutQuote) -> list[str]:
    """Why the cart cannot be ordered at the quoted prices now, one sentence per book."""
    problems = []
    for line in cart.items:
        book = books.get((line.category, line.book_id))
        problem = line_problem(title=line.title, quantity=line.quantity, book=book)
        quoted = quote.prices.get(line_key(line.category, line.book_id))
        if problem is None and book is not None and quoted is not None and book.price != quoted:
            problem = (
                f"The price of “{book.title}” changed from {money(quoted)} to "
                f"{money(book.price)}. Please review your order again."
            )
        if problem:
            problems.append(problem)
    return problems


def _code_changed(code: str, quote: CheckoutQuote, discount: Discount | None) -> str:
    if discount is not None and discount.amount != quote.discount:
        return (
            f"The discount code {code} changed since you reviewed your order: it now takes "
            f"{money(discount.amount)} off instead of {money(quote.discount)}. "
            "Please review your order again."
        )
    return (
        f"The discount code {code} changed since you reviewed your order. "
        "Please review your order again."
    )


def _code_discount(cart: Cart, quote: CheckoutQuote) -> tuple[Promotion, Discount]:
    """The code of the reviewed order as it stands now (one consistent GetItem) and what it
    takes off; OrderNotPlaced saying what changed if that is not what was reviewed."""
    code = quote.code or ""
    promotion = promotion_get(code=code, consistent_read=True)
    if promotion is None:
        raise OrderNotPlaced(f"The discount code {code} no longer exists. Please review again.")
    lines = [
        PricedLine(
            category=line.category,
            book_id=line.book_id,
            price=quote.prices[line_key(line.category, line.book_id)],
            quantity=line.quantity,
        )
        for line in cart.items
    ]
    try:
        discount = promotion_discount(promotion=promotion, lines=lines, now=utcnow())
    except PromotionError as error:
        raise OrderNotPlaced(
            problems=[
                error.message + " Your order was not placed: remove the code or try another."
            ]
        ) from error
    if discount.version != quote.code_version or discount.amount != quote.discount:
        raise OrderNotPlaced(_code_changed(code, quote, discount))
    return promotion, discount


def _code_refused(failed: set[str], promotion: Promotion, quote: CheckoutQuote) -> str:
    """Why the transaction's conditions on the code refused the order."""
    code = promotion.code
    if "code-customer" in failed:
        times = "once" if promotion.per_customer == 1 else f"{promotion.per_customer} times"
        return (
            f"You have already used the discount code {code} as often as one customer may "
            f"({times}). Your order was not placed: remove the code to order without it."
        )
    fresh = promotion_get(code=code, consistent_read=True)
    if fresh is None:
        return f"The discount code {code} no longer exists. Please review your order again."
    if fresh.max_uses is not None and fresh.uses >= fresh.max_uses:
        return (
            f"The discount code {code} has just been used as many times as it may be. "
            "Your order was not placed: remove the code to order without it."
        )
    if fresh.state != "active":
        return (
            f"The discount code {code} is now {fresh.state}. "
            "Your order was not placed: remove the code to order without it."
        )
    return _code_changed(code, quote, None)


@dataclass
class Guest:
    """A shopper checking out without an account: their orders are keyed by their email
    (store.orders.models.guest_user_id), their cart is the anonymous one."""

    email: str
    name: str
    cart_owner: str

    @property
    def user_id(self) -> str:
        return guest_user_id(self.email)


def order_place(
    *, user: User | Guest, shipping_address: dict, quote: CheckoutQuote
) -> PlacedOrder:
    """Place the order the shopper reviewed (``quote``): ONE transaction decrements each
    book's stock on the condition that enough is left at the quoted price, writes the order
    on the condition that it does not exist, and deletes the cart on the condition that its
    version is unchanged. All or nothing. Costs the cart's GetItem, one BatchGet of its
    books and the transaction. The confirmation email follows from the orders stream
    (store/orders/projections.py), sent once."""
    user_id = user.user_id
    owner = user.cart_owner if isinstance(user, Guest) else user_id
    cart = cart_get(owner=owner)
    order_id = checkout_order_id(user_id=owner, cart=cart) if cart and cart.items else None
    if order_id != quote.order_id:
        # Already placed (a resubmitted form, a retry): land on that order.
        existing = order_get(user_id=user_id, order_id=quote.order_id, consistent_read=True)
        if existing is not None:
            return PlacedOrder(order=existing, created=False)
        raise CartEmpty() if order_id is None else CartChanged()
    assert cart is not None  # an order id comes only from a cart with items
    if len(cart.items) > ORDER_MAX_LINES:
        raise OrderNotPlaced(f"An order can hold at most {ORDER_MAX_LINES} different books.")
    if set(quote.prices) != {line_key(line.category, line.book_id) for line in cart.items}:
        raise CartChanged()

    keys = [(line.category, line.book_id) for line in cart.items]
    books = books_get(keys=keys, consistent_read=True)
    problems = _checkout_problems(cart, books, quote)
    if problems:
        raise OrderNotPlaced(problems=problems)
    promotion: Promotion | None = None
    discount: Discount | None = None
    if quote.code or cart.discount_code:
        if quote.code != cart.discount_code:
            raise CartChanged()
        if len(cart.items) > ORDER_MAX_LINES - CODE_ACTIONS:
            raise OrderNotPlaced(
                f"An order with a discount code can hold at most "
                f"{ORDER_MAX_LINES - CODE_ACTIONS} different books."
            )
        promotion, discount = _code_discount(cart, quote)

    now = utcnow()
    lines = []
    for line in cart.items:
        book = books[(line.category, line.book_id)]
        lines.append(
            OrderLine(
                book_id=book.book_id,
                category=book.category,
                title=book.title,
                price=quote.prices[line_key(book.category, book.book_id)],
                quantity=line.quantity,
            )
        )
    pricing = order_pricing(
        lines=[(line.price, line.quantity) for line in lines],
        discount=discount.amount if discount else None,
        free_shipping=bool(discount and discount.free_shipping),
    )
    # The card payment: a PaymentIntent for the total computed here, in cents (its
    # idempotency key is the order id, so a resubmitted form meets the same intent).
    from store.payments.services import cents, intent_for_order

    intent = intent_for_order(user_id=user_id, order_id=order_id, total=pricing.total)
    order = Order(
        user_id,
        order_id,
        order_date=now.strftime("%Y-%m-%d"),
        items=lines,
        subtotal=pricing.subtotal,
        tax=pricing.tax,
        shipping=pricing.shipping,
        total=pricing.total,
        status=AWAITING_PAYMENT,
        payment_intent_id=intent.id,
        payment_status="awaiting",
        amount_cents=cents(pricing.total),
        payment_expires_at=now + timedelta(minutes=payment_time_limit_minutes()),
        shipping_address=Address(**shipping_address),
        created_at=now,
        updated_at=now,
        placement_token=secrets.token_hex(8),
        discount_code=discount.code if discount else None,
        discount=pricing.discount if discount else None,
        guest_email=user.email if isinstance(user, Guest) else None,
        guest_name=user.name if isinstance(user, Guest) else None,
    )

    try:
        for attempt in range(TRANSACTION_ATTEMPTS):
            try:
                with transaction() as tx:
                    tx.delete(cart, name="cart")  # on the condition that its version is unchanged
                    tx.save(order, condition=Order.order_id.does_not_exist(), name="order")
                    for index, ordered in enumerate(lines):
                        tx.update(
                            Book(ordered.category, ordered.book_id),
                            actions=[Book.stock_quantity.add(-ordered.quantity)],
                            condition=_still_sellable(ordered),
                            name=f"line:{index}",
                        )
                    if promotion is not None and discount is not None:
                        use_actions_add(
                            tx,
                            promotion=promotion,
                            discount=discount,
                            user_id=user_id,
                            order_id=order_id,
                            at=now,
                        )
                break
            except TransactWriteError as error:
                failed = failed_actions(error)
                if "order" in failed:
                    existing = order_get(user_id=user_id, order_id=order_id, consistent_read=True)
                    if existing is not None and existing.placement_token == order.placement_token:
                        # Our own write, committed before a timeout that botocore retried.
                        order = existing
                        break
                    if existing is not None:
                        return PlacedOrder(order=existing, created=False)
                if any(name.startswith("line:") for name in failed):
                    # A book sold out or changed price since it was read: say which and why.
                    fresh = books_get(keys=keys, consistent_read=True)
                    raise OrderNotPlaced(
                        problems=_checkout_problems(cart, fresh, quote)
                        or [
                            (
                                "A book in your cart changed while the order was being placed. "
                                "Please review your order again."
                            )
                        ]
                    ) from error
                if promotion is not None and failed & {"code", "code-customer", "code-order"}:
                    raise OrderNotPlaced(_code_refused(failed, promotion, quote)) from error
                if "cart" in failed:
                    raise CartChanged() from error
                if is_conflict(error) and attempt + 1 < TRANSACTION_ATTEMPTS:
                    _pause(attempt)
                    continue
                raise
    except CheckoutError:
        # Nothing was placed: the intent will never be paid; cancel it (best effort).
        from store.payments.gateway import PaymentError, intent_cancel

        try:
            intent_cancel(intent_id=intent.id, key=f"cancel:{intent.id}")
        except PaymentError:
            log.warning("order %s: unused payment intent %s not cancelled", order_id, intent.id)
        raise
    return PlacedOrder(order=order, created=True)


def _order_for_change(user_id: str, order_id: str) -> Order:
    order = order_get(user_id=user_id, order_id=order_id, consistent_read=True)
    if order is None:
        raise OrderNotFound()
    return order


def order_cancel(*, user_id: str, order_id: str) -> Order:
    """Cancel an order that is confirmed (or still awaiting its payment) and put its books
    back in stock, in ONE transaction conditioned on its status being the one read: two
    cancels restore stock once. A paid order is then refunded in full through Stripe
    (store/payments, idempotent: a retry refunds once). For the shopper (their own
    user_id) and for staff alike."""
    order = _order_for_change(user_id, order_id)
    if order.status not in (CONFIRMED, AWAITING_PAYMENT):
        raise OrderStatusConflict(
            f"This order is {order.status_label.lower()}; only a confirmed order can be cancelled."
        )
    paid = order.payment_status == "paid"
    order = _order_release(
        order, status=CANCELLED, payment_status="refund_pending" if paid else None
    )
    from store.payments.services import intent_drop, order_refund_pending

    if paid:
        order_refund_pending(order=order)
    else:
        intent_drop(order=order)
    return order


def order_payment_expire(*, order: Order, error: str | None = None) -> Order:
    """An order whose payment never came in time, or whose card was declined (``error``,
    Stripe's words, kept on the order): its stock goes back and it becomes
    payment_failed, in ONE transaction conditioned on it still awaiting that same
    PaymentIntent (so the release happens once, and never for an order just paid)."""
    return _order_release(
        order, status=PAYMENT_FAILED, payment_status="failed", payment_error=error
    )


class ReservationRefused(OrderError):
    """A released order could not be set aside again (a book sold out meanwhile...)."""

    status_code = 409
    message = "The books of this order could not be set aside again."

    def __init__(self, message: str | None = None, *, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems) or [self.message]


def _reserve_problems(order: Order) -> list[str]:
    """Why the lines of ``order`` cannot be set aside again now, one sentence per book."""
    books = books_get(keys=[(line.category or "", line.book_id) for line in order.items])
    problems = []
    for line in order.items:
        book = books.get((line.category or "", line.book_id))
        if book is None or not book.listed:
            problems.append(f"“{line.title}” is no longer sold.")
        elif book.stock_quantity <= 0:
            problems.append(f"“{line.title}” sold out meanwhile.")
        elif line.quantity > book.stock_quantity:
            problems.append(f"{copies_left(book.stock_quantity, line.title)} now.")
        elif book.price != line.price:
            problems.append(
                f"The price of “{line.title}” changed from {money(line.price)} to "
                f"{money(book.price)}."
            )
    return problems


def _code_again(order: Order) -> tuple[Promotion, Discount] | None:
    """The discount code of ``order`` as it stands (one consistent GetItem), to count its
    use again for the same amount off; None for an order without a code."""
    if not order.discount_code:
        return None
    promotion = promotion_get(code=order.discount_code, consistent_read=True)
    if promotion is None:
        raise ReservationRefused(
            f"The discount code {order.discount_code} of this order no longer exists."
        )
    return promotion, Discount(
        code=promotion.code,
        version=promotion.version,
        amount=order.discount or Decimal(0),
        free_shipping=False,
        label="",
    )


def order_reserve_again(*, order: Order, payment_intent_id: str) -> Order:
    """Set the books of ``order`` (payment_failed: its stock went back after a decline)
    aside again for a new PaymentIntent, in ONE transaction: each book's stock goes down
    on the condition that enough is left at the order's price, and the order becomes
    awaiting_payment on the condition that it is still released with its old intent (two
    submits reserve once: the later one gets the order as the first set it aside, with the
    first's intent). Its lines, address and total stay as the shopper entered them.
    ReservationRefused, saying which book, when the stock is no longer there."""
    if order.status != PAYMENT_FAILED or order.payment_status != "failed":
        raise OrderStatusConflict("This order is not waiting for another card.")
    old_intent = order.payment_intent_id
    code = _code_again(order)
    condition = (Order.status == PAYMENT_FAILED) & (Order.payment_status == "failed")
    if old_intent:
        condition &= Order.payment_intent_id == old_intent
    limit = payment_time_limit_minutes()
    for attempt in range(TRANSACTION_ATTEMPTS):
        now = utcnow()
        expires = now + timedelta(minutes=limit)
        try:
            with transaction() as tx:
                tx.update(
                    order,
                    actions=[
                        Order.status.set(AWAITING_PAYMENT),
                        Order.payment_status.set("awaiting"),
                        Order.payment_intent_id.set(payment_intent_id),
                        Order.payment_expires_at.set(expires),
                        Order.payment_error.remove(),
                        Order.updated_at.set(now),
                    ],
                    condition=condition,
                    name="order",
                )
                for index, line in enumerate(order.items):
                    tx.update(
                        Book(line.category or "", line.book_id),
                        actions=[Book.stock_quantity.add(-line.quantity)],
                        condition=_still_sellable(line),
                        name=f"line:{index}",
                    )
                if code is not None:
                    use_actions_add(
                        tx,
                        promotion=code[0],
                        discount=code[1],
                        user_id=order.user_id,
                        order_id=order.order_id,
                        at=now,
                        again=True,
                    )
        except TransactWriteError as error:
            failed = failed_actions(error)
            if "order" in failed:
                current = order_get(
                    user_id=order.user_id, order_id=order.order_id, consistent_read=True
                )
                if (
                    current is not None
                    and current.status == AWAITING_PAYMENT
                    and current.payment_intent_id != old_intent
                ):
                    return current  # set aside again by another submit of this retry
                raise OrderStatusConflict(
                    "This order changed meanwhile. Please look at it again."
                ) from error
            if any(name.startswith("line:") for name in failed):
                raise ReservationRefused(
                    problems=_reserve_problems(order)
                    or ["A book of this order changed meanwhile."]
                ) from error
            if code is not None and failed & {"code", "code-customer", "code-order"}:
                raise ReservationRefused(
                    f"The discount code {order.discount_code} of this order can no longer be used."
                ) from error
            if is_conflict(error) and attempt + 1 < TRANSACTION_ATTEMPTS:
                _pause(attempt)
                continue
            raise
        order.status, order.payment_status = AWAITING_PAYMENT, "awaiting"
        order.payment_intent_id, order.payment_expires_at = payment_intent_id, expires
        order.payment_error, order.updated_at = None, now
        return order
    raise OrderError("The order could not be set aside again just now. Please try again.")


def _order_release(
    order: Order, *, status: str, payment_status: str | None, payment_error: str | None = None
) -> Order:
    """Move ``order`` from the status it was read with to ``status`` and restock its books
    (and give back its discount code's use), in one transaction."""
    user_id, order_id, previous = order.user_id, order.order_id, order.status
    # Lines without a category (orders written elsewhere) and books deleted since cannot
    # be restocked; the order is still cancelled.
    restock = [line for line in order.items if line.category]
    code: str | None = order.discount_code
    condition = Order.status == previous
    if previous == AWAITING_PAYMENT and order.payment_intent_id:
        condition = condition & (Order.payment_intent_id == order.payment_intent_id)
    for attempt in range(TRANSACTION_ATTEMPTS + 1):
        now = utcnow()
        actions = [Order.status.set(status), Order.updated_at.set(now)]
        if payment_status:
            actions.append(Order.payment_status.set(payment_status))
        if payment_error:
            actions.append(Order.payment_error.set(payment_error[:500]))
        try:
            with transaction() as tx:
                tx.update(order, actions=actions, condition=condition, name="order")
                for index, line in enumerate(restock):
                    tx.update(
                        Book(line.category, line.book_id),
                        actions=[Book.stock_quantity.add(line.quantity)],
                        condition=Book.book_id.exists(),
                        name=f"restock:{index}",
                    )
                if code:
                    # The code's use is given back once: on the condition that it is counted.
                    use_actions_return(
                        tx,
                        code=code,
                        discount=order.discount or Decimal(0),
                        user_id=user_id,
                        order_id=order_id,
                    )
        except TransactWriteError as error:
            failed = failed_actions(error)
            if "order" in failed:
                current = order_get(user_id=user_id, order_id=order_id, consistent_read=True)
                now_is = current.status_label.lower() if current else "gone"
                raise OrderStatusConflict(
                    f"This order is {now_is}; only a confirmed order can be cancelled."
                ) from error
            if code and failed & {"code", "code-customer", "code-order"}:
                log.warning(
                    "order %s: the use of code %s was not counted; not returned", order_id, code
                )
                code = None
                continue
            gone = {int(name.split(":")[1]) for name in failed if name.startswith("restock:")}
            if gone:
                log.warning(
                    "order %s: books %s no longer exist; not restocked",
                    order_id,
                    [restock[i].book_id for i in gone],
                )
                restock = [line for i, line in enumerate(restock) if i not in gone]
                continue
            if is_conflict(error) and attempt < TRANSACTION_ATTEMPTS:
                _pause(attempt)
                continue
            raise
        order.status, order.updated_at = status, now
        if payment_status:
            order.payment_status = payment_status
        if payment_error:
            order.payment_error = payment_error[:500]
        return order
    raise OrderError("The order could not be cancelled just now. Please try again.")


def order_status_change(*, user_id: str, order_id: str, status: str) -> Order:
    """Move an order along confirmed -> shipped -> delivered, or cancel it (which restocks:
    see order_cancel). The write is conditioned on the status it was read with, so two
    staff members cannot both move it."""
    if status == CANCELLED:
        return order_cancel(user_id=user_id, order_id=order_id)
    order = _order_for_change(user_id, order_id)
    if status not in NEXT_STATUSES.get(order.status, ()):
        raise OrderStatusConflict(f"An order that is {order.status} cannot become {status}.")
    previous = order.status
    try:
        order.update(
            actions=[Order.status.set(status), Order.updated_at.set(utcnow())],
            condition=Order.status == previous,
        )
    except UpdateError as error:
        if not is_conditional_failure(error):
            raise
        raise OrderStatusConflict(
            "The order's status changed meanwhile. Please look at it again."
        ) from error
    return order


# Each allowed move has exactly one status it comes from.
PREVIOUS = {new: old for old, moves in NEXT_STATUSES.items() for new in moves}


def next_statuses(order: Order) -> tuple[str, ...]:
    """The statuses staff may move ``order`` to now."""
    return NEXT_STATUSES.get(order.status, ())


def order_status_set(*, user_id: str, order_id: str, status: str, actor: str) -> Order:
    """Move an order on (raises the order services' OrderStatusConflict, OrderNotFound)."""
    order = order_status_change(user_id=user_id, order_id=order_id, status=status)
    now = utcnow()
    entries = [
        AuditEntry.new(
            subject=order_subject(user_id, order_id),
            action="order.status",
            actor=actor,
            at=now,
            changes={"status": [PREVIOUS.get(status), status]},
        )
    ]
    if status == CANCELLED:
        entries += [
            AuditEntry.new(
                subject=book_subject(line.category, line.book_id),
                action="order.cancel.restock",
                actor=actor,
                at=now,
                delta=line.quantity,
                reason=f"order {order_id} cancelled",
            )
            for line in order.items
            if line.category
        ]
    with AuditEntry.batch_write() as batch:
        for entry in entries:
            batch.save(entry)
    return order
