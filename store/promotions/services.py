"""Staff writes of discount codes, each ONE transaction with its audit entry, and the
shopper's choice of a code for their cart.

A code's uses are counted where orders are placed and cancelled (store/orders/services.py,
with the actions built here: ``use_actions_add``, ``use_actions_return``)."""

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition

from accounts.models import User
from cloudshelf.dynamo import Transaction, transaction, utcnow
from cloudshelf.dynamo_errors import failed_actions, is_conditional_failure
from cloudshelf.errors import ApplicationError
from store.audit.models import AuditEntry
from store.cart.models import Cart
from store.cart.selectors import cart_get
from store.promotions.models import (
    ACTIVE,
    CODE_PK,
    ENDED,
    PAUSED,
    USE_PLACED,
    USE_RETURNED,
    Promotion,
    PromotionUse,
    audit_subject,
    code_normalize,
    customer_sk,
    order_sk,
    uses_pk,
)
from store.promotions.rules import Discount, PricedLine, PromotionError
from store.promotions.selectors import discount_get, promotion_get


class PromotionNotFound(PromotionError):
    message = "There is no such discount code."
    status_code = 404


class CodeTaken(PromotionError):
    message = "A discount code with this name already exists (codes ignore case)."


class PromotionChanged(PromotionError):
    message = "Someone changed this code meanwhile. Look at it again and redo your change."


class PromotionStateConflict(PromotionError):
    message = "That change is not possible for this code now."


class CartCodeError(ApplicationError):
    message = "Your cart changed meanwhile. Please try again."


@dataclass(frozen=True)
class PromotionFields:
    """What staff set on a code (everything but its name)."""

    kind: str
    value: Decimal
    min_subtotal: Decimal | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None
    per_customer: int | None = None
    categories: tuple[str, ...] = ()
    books: tuple[str, ...] = ()


FIELD_NAMES = [f.name for f in fields(PromotionFields)]


def promotion_fields_of(promotion: Promotion) -> PromotionFields:
    values: dict[str, Any] = {name: getattr(promotion, name) for name in FIELD_NAMES}
    values["categories"] = tuple(promotion.categories or ())
    values["books"] = tuple(promotion.books or ())
    return PromotionFields(**values)


def _changes(old: PromotionFields | None, new: PromotionFields) -> dict[str, list[Any]]:
    changes = {}
    for name in FIELD_NAMES:
        before = getattr(old, name) if old is not None else None
        after = getattr(new, name)
        if before != after and not (before in (None, ()) and after in (None, ())):
            changes[name] = [_shown(before), _shown(after)]
    return changes


def _shown(value: Any) -> Any:
    if isinstance(value, tuple):
        return ", ".join(value)
    return None if value is None else str(value)


def _audit(tx: Transaction, *, code: str, action: str, actor: User, **extra: Any) -> None:
    tx.save(
        AuditEntry.new(
            subject=audit_subject(code), action=action, actor=actor, at=utcnow(), **extra
        ),
        condition=AuditEntry.entry_id.does_not_exist(),
        name="audit",
    )


def promotion_create(*, actor: User, code: str, values: PromotionFields) -> Promotion:
    """A new code, on the condition that no code of that name (in any case) exists, with
    its audit entry: one transaction."""
    now = utcnow()
    promotion = Promotion(
        CODE_PK,
        code_normalize(code),
        created_at=now,
        updated_at=now,
        state=ACTIVE,
        uses=0,
        placed=0,
        discount_given=Decimal("0.00"),
        version=1,
        **{name: getattr(values, name) for name in FIELD_NAMES},
    )
    promotion.categories = list(values.categories)
    promotion.books = list(values.books)
    try:
        with transaction() as tx:
            tx.save(promotion, condition=Promotion.sk.does_not_exist(), name="code")
            _audit(
                tx,
                code=promotion.code,
                action="promotion.create",
                actor=actor,
                changes=_changes(None, values),
            )
    except TransactWriteError as error:
        if "code" in failed_actions(error):
            raise CodeTaken() from error
        raise
    return promotion


def _fresh(code: str) -> Promotion:
    promotion = promotion_get(code=code, consistent_read=True)
    if promotion is None:
        raise PromotionNotFound()
    return promotion


def promotion_update(
    *, actor: User, code: str, values: PromotionFields, version: int
) -> Promotion:
    """Change a code's rules, on the condition that it is still at ``version`` (what the
    staff member saw) and not ended. The version goes up, so an order reviewed with the
    old rules is refused at placing and the shopper told what changed."""
    promotion = _fresh(code)
    if promotion.state == ENDED:
        raise PromotionStateConflict("This code has ended; it can no longer be changed.")
    changes = _changes(promotion_fields_of(promotion), values)
    if not changes:
        return promotion
    actions = [Promotion.version.add(1), Promotion.updated_at.set(utcnow())]
    for name in FIELD_NAMES:
        attribute = getattr(Promotion, name)
        value = getattr(values, name)
        if isinstance(value, tuple):
            actions.append(attribute.set(list(value)))
        elif value is None:
            actions.append(attribute.remove())
        else:
            actions.append(attribute.set(value))
    condition = (Promotion.version == version) & (Promotion.state != ENDED)
    _write(promotion, actions, condition, actor=actor, action="promotion.update", changes=changes)
    return _fresh(code)


def promotion_state_set(*, actor: User, code: str, state: str) -> Promotion:
    """Pause (active -> paused), resume (paused -> active) or end (for good) a code."""
    promotion = _fresh(code)
    allowed = {ACTIVE: (PAUSED, ENDED), PAUSED: (ACTIVE, ENDED)}.get(promotion.state, ())
    if state not in allowed:
        raise PromotionStateConflict(f"A code that is {promotion.state} cannot become {state}.")
    actions = [
        Promotion.state.set(state),
        Promotion.version.add(1),
        Promotion.updated_at.set(utcnow()),
    ]
    _write(
        promotion,
        actions,
        Promotion.state == promotion.state,
        actor=actor,
        action="promotion.state",
        changes={"state": [promotion.state, state]},
    )
    return _fresh(code)


def _write(
    promotion: Promotion,
    actions: list[Any],
    condition: Condition,
    *,
    actor: User,
    action: str,
    changes: dict[str, list[Any]],
) -> None:
    try:
        with transaction() as tx:
            tx.update(promotion, actions=actions, condition=condition, name="code")
            _audit(tx, code=promotion.code, action=action, actor=actor, changes=changes)
    except TransactWriteError as error:
        if "code" in failed_actions(error):
            raise PromotionChanged() from error
        raise


def promotion_delete(*, actor: User, code: str) -> None:
    """Delete a code that no order ever used (a used code can only be ended)."""
    promotion = _fresh(code)
    try:
        with transaction() as tx:
            tx.delete(promotion, condition=Promotion.placed == 0, name="code")
            _audit(tx, code=promotion.code, action="promotion.delete", actor=actor)
    except TransactWriteError as error:
        if "code" in failed_actions(error):
            raise PromotionStateConflict(
                "This code has been used by an order, so it cannot be deleted; end it instead."
            ) from error
        raise


# --- The shopper's cart --------------------------------------------------------------------


def cart_discount_apply(*, owner: str | None, code: str, user_id: str | None = None) -> Discount:
    """Put ``code`` on the owner's cart if it takes something off it now: ONE GetItem of
    the code (beside the cart's), then one UpdateItem of the cart conditioned on its
    version. Raises CodeUnknown / CodeNotUsable (the message says why) and changes nothing.
    One code per order: a new code replaces the cart's previous one."""
    cart = cart_get(owner=owner)
    if cart is None or not cart.items:
        raise CartCodeError("Your cart is empty: add books before entering a discount code.")
    lines = [
        PricedLine(category=li.category, book_id=li.book_id, price=li.price, quantity=li.quantity)
        for li in cart.items
    ]
    discount = discount_get(code=code, lines=lines)
    _cart_code_set(cart, discount.code)
    return discount


def cart_discount_remove(*, owner: str | None) -> None:
    cart = cart_get(owner=owner)
    if cart is not None and cart.discount_code:
        _cart_code_set(cart, None)


def _cart_code_set(cart: Cart, code: str | None) -> None:
    action = Cart.discount_code.set(code) if code else Cart.discount_code.remove()
    try:
        cart.update(actions=[action, Cart.updated_at.set(utcnow())])
    except UpdateError as error:
        if not is_conditional_failure(error):
            raise
        raise CartCodeError() from error


# --- Uses, counted in the order's own transaction ------------------------------------------


def use_actions_add(
    tx: Transaction,
    *,
    promotion: Promotion,
    discount: Discount,
    user_id: str,
    order_id: str,
    at: datetime,
    again: bool = False,
) -> None:
    """Add to ``tx`` (the transaction placing an order) the code's use: its count goes up
    on the condition that the code is still at the reviewed version and active and under
    its total limit ("code"); the customer's count goes up on the condition that it is
    under the per-customer limit ("code-customer"); the order's use is recorded once
    ("code-order"). ``again``: the order's use was given back (its card was declined) and
    is counted again, on the condition that it is still returned (store/payments)."""
    code = promotion.code
    condition = (Promotion.version == discount.version) & (Promotion.state == ACTIVE)
    if promotion.max_uses is not None:
        condition &= Promotion.uses < promotion.max_uses
    tx.update(
        Promotion(CODE_PK, code),
        actions=[Promotion.uses.add(1), Promotion.discount_given.add(discount.amount)]
        + ([] if again else [Promotion.placed.add(1)]),
        condition=condition,
        name="code",
    )
    customer_condition = None
    if promotion.per_customer is not None:
        customer_condition = PromotionUse.times.does_not_exist() | (
            PromotionUse.times < promotion.per_customer
        )
    tx.update(
        PromotionUse(uses_pk(code), customer_sk(user_id)),
        actions=[PromotionUse.times.add(1), PromotionUse.user_id.set(user_id)],
        condition=customer_condition,
        name="code-customer",
    )
    if again:
        tx.update(
            PromotionUse(uses_pk(code), order_sk(user_id, order_id)),
            actions=[PromotionUse.state.set(USE_PLACED), PromotionUse.at.set(at)],
            condition=PromotionUse.state == USE_RETURNED,
            name="code-order",
        )
        return
    tx.save(
        PromotionUse(
            uses_pk(code),
            order_sk(user_id, order_id),
            user_id=user_id,
            order_id=order_id,
            discount=discount.amount,
            state=USE_PLACED,
            at=at,
        ),
        condition=PromotionUse.sk.does_not_exist(),
        name="code-order",
    )


def use_actions_return(
    tx: Transaction, *, code: str, discount: Decimal, user_id: str, order_id: str
) -> None:
    """Add to ``tx`` (the transaction cancelling an order) the return of its code's use,
    on the condition that the order's use is still counted: given back once."""
    tx.update(
        PromotionUse(uses_pk(code), order_sk(user_id, order_id)),
        actions=[PromotionUse.state.set(USE_RETURNED), PromotionUse.at.set(utcnow())],
        condition=PromotionUse.state == USE_PLACED,
        name="code-order",
    )
    tx.update(
        Promotion(CODE_PK, code),
        actions=[Promotion.uses.add(-1), Promotion.discount_given.add(-discount)],
        condition=Promotion.sk.exists(),
        name="code",
    )
    tx.update(
        PromotionUse(uses_pk(code), customer_sk(user_id)),
        actions=[PromotionUse.times.add(-1)],
        condition=PromotionUse.times > 0,
        name="code-customer",
    )
