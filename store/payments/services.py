"""Card payments of orders: an order is placed "awaiting_payment" with a PaymentIntent for
its total (store/orders/services.py, in the placing transaction), and becomes "confirmed"
only when the PaymentIntent is seen succeeded on the server: on the return to our page or
on Stripe's signed webhook, whichever comes first. The other finds the order confirmed
and writes nothing (the write is conditioned on the order still awaiting this intent).

The amount is never taken from the browser or from Stripe: it is the order's total in
cents, written with the order, and an intent of another amount or currency is refused."""

import contextlib
import logging
import re
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from pynamodb.exceptions import UpdateError

from cloudshelf.dynamo import utcnow
from cloudshelf.dynamo_errors import is_conditional_failure
from cloudshelf.errors import ApplicationError
from store.orders.models import Order
from store.orders.selectors import order_get
from store.payments import gateway
from store.payments.gateway import CardDeclined, Intent, PaymentError

log = logging.getLogger(__name__)

AWAITING_PAYMENT, PAYMENT_FAILED = "awaiting_payment", "payment_failed"
# Order.payment_status values.
AWAITING, PAID, FAILED, REFUNDED, PARTIALLY_REFUNDED, REFUND_PENDING = (
    "awaiting",
    "paid",
    "failed",
    "refunded",
    "partially_refunded",
    "refund_pending",
)
PAYMENT_METHOD_ID = re.compile(r"(pm|card)_[A-Za-z0-9]{1,100}")


class PaymentMismatch(ApplicationError):
    message = "This payment does not match the order; it was not accepted."
    status_code = 400


def cents(amount: Decimal) -> int:
    """An amount in dollars (two decimals, as every total is) in whole cents, exactly."""
    value = Decimal(amount) * 100
    if value != value.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(value)


def intent_for_order(*, user_id: str, order_id: str, total: Decimal) -> Intent:
    """The PaymentIntent of an order about to be placed. Its idempotency key is the order
    id (itself derived from the cart's state), so a resubmitted "Place order" meets the
    same intent at Stripe."""
    return gateway.intent_create(
        amount_cents=cents(total), order_id=order_id, user_id=user_id, key=f"intent:{order_id}"
    )


def _check(order: Order, intent: Intent) -> None:
    if (
        intent.id != order.payment_intent_id
        or intent.amount != order.amount_cents
        or intent.currency.lower() != settings.PAYMENT_CURRENCY.lower()
        or intent.metadata.get("order_id", order.order_id) != order.order_id
    ):
        log.error(
            "order %s: payment intent %s (%s %s) does not match the order (%s, %s cents)",
            order.order_id,
            intent.id,
            intent.amount,
            intent.currency,
            order.payment_intent_id,
            order.amount_cents,
        )
        raise PaymentMismatch()


def payment_confirm(*, order: Order, intent: Intent) -> bool:
    """Mark ``order`` paid and confirmed if ``intent`` (seen on the server) succeeded for
    exactly its amount. ONE conditional UpdateItem, conditioned on the order still awaiting
    this intent: True when this call confirmed it, False when it already was (or the
    intent has not succeeded). Raises PaymentMismatch for an intent of another amount."""
    if intent.status != "succeeded":
        return False
    _check(order, intent)
    if order.status == PAYMENT_FAILED and order.payment_status == FAILED:
        _late_payment_refund(order)
        return False
    if order.status != AWAITING_PAYMENT:
        return False
    now = utcnow()
    try:
        order.update(
            actions=[
                Order.status.set("confirmed"),
                Order.payment_status.set(PAID),
                Order.paid_at.set(now),
                Order.payment_error.remove(),
                Order.updated_at.set(now),
            ],
            condition=(Order.status == AWAITING_PAYMENT) & (Order.payment_intent_id == intent.id),
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def _late_payment_refund(order: Order) -> None:
    """A payment that succeeded after its order was released (its stock gone back): the
    money goes back in full, once (conditional write, then an idempotent refund)."""
    try:
        order.update(
            actions=[Order.payment_status.set(REFUND_PENDING), Order.updated_at.set(utcnow())],
            condition=Order.payment_status == FAILED,
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            return
        raise
    order.payment_status = REFUND_PENDING
    order_refund_pending(order=order)


def _decline(order: Order, message: str) -> None:
    """A declined card: the declined intent is cancelled (so it can never be paid later)
    and the order's stock goes back at once, with the decline's words kept on the order:
    the same conditional release as the sweep's (store/orders/services.py), so it happens
    once. A success arriving later for a released order is refunded (payment_confirm).
    The shopper may then try another card, which sets the books aside again."""
    from store.orders.services import OrderStatusConflict, order_payment_expire

    intent_drop(order=order)
    # Released by the sweep, or paid, meanwhile: nothing more to do.
    with contextlib.suppress(OrderStatusConflict):
        order_payment_expire(order=order, error=message)


def _swap_intent(order: Order, intent: Intent) -> None:
    """Point the order at a new PaymentIntent (a retry after a decline)."""
    old = order.payment_intent_id
    try:
        order.update(
            actions=[Order.payment_intent_id.set(intent.id), Order.updated_at.set(utcnow())],
            condition=(Order.status == AWAITING_PAYMENT) & (Order.payment_intent_id == old),
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            raise PaymentError("This order changed meanwhile. Please look at it again.") from error
        raise
    if old:
        gateway.intent_cancel(intent_id=old, key=f"cancel:{old}")


def payment_submit(*, order: Order, payment_method: object) -> Intent:
    """Pay ``order`` with ``payment_method`` (a PaymentMethod or card id made by Stripe.js
    in the shopper's browser: the card number never reaches us). Returns the intent as
    Stripe has it after confirming: ``succeeded`` (the order is now confirmed),
    ``requires_action`` (3-D Secure: the page completes it with Stripe.js, then comes back
    to the return URL). A decline raises CardDeclined, saying why; the shopper may retry."""
    if not isinstance(payment_method, str) or not PAYMENT_METHOD_ID.fullmatch(payment_method):
        raise gateway.PaymentRefused("The card details did not reach the payment service.")
    if order.status != AWAITING_PAYMENT or not order.payment_intent_id:
        raise PaymentError("This order is not waiting for a payment.")
    intent = gateway.intent_get(order.payment_intent_id)
    try:
        if intent.status == "succeeded":
            pass
        elif intent.status == "requires_payment_method" and not intent.error:
            intent = gateway.intent_pay(
                intent_id=intent.id,
                payment_method=payment_method,
                user_id=order.user_id,
                order_id=order.order_id,
                key=f"pay:{intent.id}:{payment_method}",
            )
        elif intent.status in ("requires_action", "processing"):
            return intent
        else:
            # An intent that was declined or failed its check: a new one for this card.
            intent = gateway.intent_create(
                amount_cents=order.amount_cents or cents(order.total),
                order_id=order.order_id,
                user_id=order.user_id,
                key=f"retry:{order.order_id}:{payment_method}",
                payment_method=payment_method,
            )
            _swap_intent(order, intent)
            order.payment_intent_id = intent.id
    except CardDeclined as error:
        _decline(order, error.message)
        raise
    if intent.status == "succeeded":
        payment_confirm(order=order, intent=intent)
    elif intent.status == "requires_payment_method":
        message = intent.error or CardDeclined.message
        _decline(order, message)
        raise CardDeclined(message)
    return intent


def payment_return(*, order: Order) -> Intent | None:
    """The shopper is back from paying (or from 3-D Secure): read the intent from Stripe and
    confirm the order if it succeeded. None when the order awaits no payment."""
    if order.status != AWAITING_PAYMENT or not order.payment_intent_id:
        return None
    intent = gateway.intent_get(order.payment_intent_id)
    if intent.status == "requires_payment_method" and intent.error:
        # The bank's check (3-D Secure) failed: a decline like any other.
        _decline(order, intent.error)
        return intent
    payment_confirm(order=order, intent=intent)
    return intent


def payment_retry(*, order: Order) -> Order:
    """ "Try another card" on an order whose card was declined (payment_failed, its stock
    released): a new PaymentIntent for the same total (its idempotency key names the
    declined intent: at Stripe a double submit meets the same one), and the books set aside again
    in ONE transaction (store/orders/services.py order_reserve_again). When a book sold out
    meanwhile, ReservationRefused says which, and the new intent is cancelled."""
    from store.orders.services import OrderError, order_reserve_again

    if order.status != PAYMENT_FAILED or order.payment_status != FAILED:
        raise PaymentError("This order is not waiting for another card.")
    intent = gateway.intent_create(
        amount_cents=order.amount_cents or cents(order.total),
        order_id=order.order_id,
        user_id=order.user_id,
        key=f"again:{order.order_id}:{order.payment_intent_id}",
    )
    try:
        reserved = order_reserve_again(order=order, payment_intent_id=intent.id)
    except OrderError:
        _cancel_unused(order, intent)
        raise
    if reserved.payment_intent_id != intent.id:
        _cancel_unused(order, intent)  # another submit set the books aside first
    return reserved


def _cancel_unused(order: Order, intent: Intent) -> None:
    try:
        gateway.intent_cancel(intent_id=intent.id, key=f"cancel:{intent.id}")
    except PaymentError:
        log.warning("order %s: unused intent %s not cancelled", order.order_id, intent.id)


def webhook_receive(*, event: dict) -> str:
    """A signature-checked webhook event. ``payment_intent.succeeded`` confirms its order:
    ONE consistent GetItem of the order and at most ONE conditional UpdateItem; a replay,
    a duplicate or a late delivery finds the order confirmed and writes nothing. Returns
    what was done, for the log."""
    if event.get("type") != "payment_intent.succeeded":
        return "ignored"
    obj = (event.get("data") or {}).get("object") or {}
    intent = Intent.of(obj)
    user_id, order_id = intent.metadata.get("user_id"), intent.metadata.get("order_id")
    order = order_get(user_id=user_id, order_id=order_id, consistent_read=True)
    if order is None:
        return "no such order"
    if order.status == PAYMENT_FAILED and order.payment_status == FAILED:
        payment_confirm(order=order, intent=intent)  # paid after its release: refunded
        return "refunded late payment" if order.payment_status != FAILED else "ignored"
    if order.status != AWAITING_PAYMENT:
        return "already done"
    return "confirmed" if payment_confirm(order=order, intent=intent) else "already done"


# --- Releasing unpaid orders, refunds ---------------------------------------------------


def intent_drop(*, order: Order) -> bool:
    """Cancel the PaymentIntent of an order that will never be paid (best effort); False
    when Stripe did not cancel it (it succeeded, or could not be reached)."""
    if not order.payment_intent_id:
        return True
    try:
        return gateway.intent_cancel(
            intent_id=order.payment_intent_id, key=f"cancel:{order.payment_intent_id}"
        )
    except PaymentError:
        log.warning("order %s: intent %s not cancelled", order.order_id, order.payment_intent_id)
        return False


def _refund_write(order: Order, *, refunded: int, expect: int, status: str) -> bool:
    try:
        order.update(
            actions=[
                Order.refunded_cents.set(refunded),
                Order.payment_status.set(status),
                Order.updated_at.set(utcnow()),
            ],
            condition=(Order.refunded_cents == expect)
            if expect
            else Order.refunded_cents.does_not_exist() | (Order.refunded_cents == 0),
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            return False
        raise
    order.refunded_cents, order.payment_status = refunded, status
    return True


def order_refund_pending(*, order: Order) -> bool:
    """Refund what is left of a cancelled, paid order (``refund_pending``) through Stripe,
    then record it. The refund's idempotency key is the order's, so a retry (the sweep's)
    refunds once. False when Stripe could not be reached: the order stays refund_pending."""
    already = order.refunded_cents or 0
    left = (order.amount_cents or 0) - already
    if left > 0 and order.payment_intent_id:
        try:
            gateway.refund_create(
                intent_id=order.payment_intent_id,
                amount_cents=left,
                key=f"refund:{order.order_id}:cancel",
            )
        except PaymentError as error:
            log.warning("order %s: refund not made yet: %s", order.order_id, error)
            return False
    return _refund_write(order, refunded=already + max(left, 0), expect=already, status=REFUNDED)


class RefundRefused(ApplicationError):
    status_code = 400
    message = "That refund is not possible."


def order_refund_partial(*, order: Order, amount: Decimal, actor: object) -> Order:
    """Staff refund part of a paid order (in dollars); recorded on the order and in the
    audit trail. The idempotency key names the amount refunded so far, so a double
    submit refunds once."""
    from store.audit.models import AuditEntry, order_subject

    if order.payment_status not in (PAID, PARTIALLY_REFUNDED) or not order.payment_intent_id:
        raise RefundRefused("Only a paid order can be refunded.")
    try:
        wanted = cents(amount)
    except (ValueError, ArithmeticError) as error:
        raise RefundRefused("Enter an amount in dollars and cents, such as 5.00.") from error
    already = order.refunded_cents or 0
    left = (order.amount_cents or 0) - already
    if wanted <= 0 or wanted > left:
        raise RefundRefused(f"Enter an amount between 0.01 and {Decimal(left) / 100:.2f}.")
    gateway.refund_create(
        intent_id=order.payment_intent_id,
        amount_cents=wanted,
        key=f"refund:{order.order_id}:{already}:{wanted}",
    )
    total = already + wanted
    status = REFUNDED if total >= (order.amount_cents or 0) else PARTIALLY_REFUNDED
    if not _refund_write(order, refunded=total, expect=already, status=status):
        raise RefundRefused("The order changed meanwhile. Please look at it again.")
    AuditEntry.new(
        subject=order_subject(order.user_id, order.order_id),
        action="order.refund",
        actor=actor,
        at=utcnow(),
        changes={"refunded": [f"{Decimal(already) / 100:.2f}", f"{Decimal(total) / 100:.2f}"]},
        reason=f"refunded {Decimal(wanted) / 100:.2f}",
    ).save()
    return order


def payments_sweep(*, now: datetime | None = None, dry_run: bool = False) -> dict:
    """What the webhook may have missed (one Scan of the orders table): an order awaiting
    payment whose intent succeeded is confirmed; one past its time limit whose intent did
    not is released (stock back once, intent cancelled); a cancelled order whose refund
    did not reach Stripe is refunded. Returns counts per outcome."""
    from store.orders.services import OrderStatusConflict, order_payment_expire
    from store.payments.selectors import payment_time_limit_minutes

    now_at = now or utcnow()
    # An order carries the deadline it was placed with; one without (written before the
    # limit was stamped) gets the limit staff set now (one GetItem per sweep).
    limit = timedelta(minutes=payment_time_limit_minutes())
    counts = {"confirmed": 0, "released": 0, "refunded": 0, "waiting": 0}
    scan = Order.scan(
        (Order.status == AWAITING_PAYMENT) | (Order.payment_status == REFUND_PENDING)
    )
    for order in scan:
        if order.payment_status == REFUND_PENDING:
            if not dry_run and order_refund_pending(order=order):
                counts["refunded"] += 1
            continue
        try:
            intent = (
                gateway.intent_get(order.payment_intent_id) if order.payment_intent_id else None
            )
        except PaymentError:
            counts["waiting"] += 1
            continue
        if intent is not None and intent.status == "succeeded":
            if not dry_run and payment_confirm(order=order, intent=intent):
                counts["confirmed"] += 1
            continue
        expires = order.payment_expires_at or (order.created_at and order.created_at + limit)
        if expires is None or expires > now_at or (intent and intent.status == "processing"):
            counts["waiting"] += 1
            continue
        if dry_run:
            counts["released"] += 1
            continue
        if not intent_drop(order=order):
            continue  # not cancellable: it may have just succeeded; the next sweep sees
        try:
            order_payment_expire(order=order)
        except OrderStatusConflict:
            continue  # paid or released meanwhile
        counts["released"] += 1
    return counts


class SettingRefused(ApplicationError):
    status_code = 400
    message = "That setting is not possible."


def payment_time_limit_set(*, minutes: object, actor: object) -> int:
    """Staff set how long an unpaid order holds its stock (whole minutes, within the
    bounds): applies to orders placed from now on; recorded in the audit trail."""
    from store.audit.models import AuditEntry
    from store.payments.models import (
        AUDIT_SUBJECT,
        TIME_LIMIT_MAX,
        TIME_LIMIT_MIN,
        PaymentSettings,
    )
    from store.payments.selectors import payment_settings_get, payment_time_limit_minutes

    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not TIME_LIMIT_MIN <= minutes <= TIME_LIMIT_MAX
    ):
        raise SettingRefused(
            f"Enter a whole number of minutes from {TIME_LIMIT_MIN} to {TIME_LIMIT_MAX}."
        )
    before = payment_time_limit_minutes()
    now = utcnow()
    item = payment_settings_get(consistent_read=True) or PaymentSettings()
    item.time_limit_minutes = minutes
    item.updated_at = now
    item.updated_by = getattr(actor, "email", "") or getattr(actor, "user_id", "")
    item.save()
    AuditEntry.new(
        subject=AUDIT_SUBJECT,
        action="settings.payment_time_limit",
        actor=actor,
        at=now,
        changes={"payment time limit (minutes)": [str(before), str(minutes)]},
    ).save()
    return minutes
