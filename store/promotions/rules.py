"""What a code takes off an order: pure rules, no DynamoDB. The shopper's cart page, the
review and order placement all compute the discount here, from the code as it is."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from cloudshelf.errors import ApplicationError
from store.money import to_cents
from store.promotions.models import ACTIVE, AMOUNT, ENDED, FREE_SHIPPING, PERCENT, Promotion
from store.templatetags.store_tags import money

HUNDRED = Decimal(100)


class PromotionError(ApplicationError):
    message = "That discount code cannot be used."


class CodeUnknown(PromotionError):
    message = "There is no such discount code. Check how it is spelled."


class CodeNotUsable(PromotionError):
    """The code exists but does not apply now (the message says why)."""


@dataclass(frozen=True)
class PricedLine:
    category: str
    book_id: str
    price: Decimal
    quantity: int


@dataclass(frozen=True)
class Discount:
    """What a code takes off: ``amount`` off the subtotal, and shipping if
    ``free_shipping``. ``version`` is the version of the code it was computed from."""

    code: str
    version: int
    amount: Decimal
    free_shipping: bool
    label: str


def promotion_label(promotion: Promotion) -> str:
    if promotion.kind == PERCENT:
        return f"{promotion.value.normalize():f} % off"
    if promotion.kind == AMOUNT:
        return f"{money(promotion.value)} off"
    return "Free shipping"


def percent_off(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` of ``amount``, half-up to the cent (store.money.to_cents)."""
    return to_cents(amount * percent / HUNDRED)


def line_applies(promotion: Promotion, line: PricedLine) -> bool:
    if not promotion.categories and not promotion.books:
        return True
    return (
        line.category in promotion.categories
        or f"{line.category}/{line.book_id}" in promotion.books
    )


def promotion_usable_now(promotion: Promotion, *, now: datetime) -> None:
    """Raise CodeNotUsable, saying why, when the code cannot be used at ``now`` by anyone."""
    code = promotion.code
    if promotion.state == ENDED:
        raise CodeNotUsable(f"The discount code {code} has ended.")
    if promotion.state != ACTIVE:
        raise CodeNotUsable(f"The discount code {code} is paused just now.")
    if promotion.starts_at is not None and now < promotion.starts_at:
        raise CodeNotUsable(
            f"The discount code {code} can be used from {promotion.starts_at:%B %-d, %Y}."
        )
    if promotion.ends_at is not None and now >= promotion.ends_at:
        last = promotion.ends_at - timedelta(seconds=1)  # ends_at is the first moment after
        raise CodeNotUsable(f"The discount code {code} expired on {last:%B %-d, %Y}.")
    if promotion.max_uses is not None and promotion.uses >= promotion.max_uses:
        raise CodeNotUsable(f"The discount code {code} has been used as many times as it may be.")


def promotion_discount(
    *, promotion: Promotion, lines: Iterable[PricedLine], now: datetime
) -> Discount:
    """The discount ``promotion`` gives an order of ``lines`` at ``now``, or
    CodeNotUsable saying exactly why it gives none. A percentage is of the subtotal of the
    lines it applies to, half-up to the cent; a fixed amount never exceeds that subtotal."""
    promotion_usable_now(promotion, now=now)
    lines = list(lines)
    code = promotion.code
    subtotal = to_cents(sum((line.price * line.quantity for line in lines), Decimal(0)))
    if promotion.min_subtotal is not None and subtotal < promotion.min_subtotal:
        raise CodeNotUsable(
            f"The discount code {code} needs a subtotal of at least "
            f"{money(promotion.min_subtotal)}; yours is {money(subtotal)}."
        )
    eligible = [line for line in lines if line_applies(promotion, line)]
    if not eligible:
        what = []
        if promotion.categories:
            what.append("books in " + ", ".join(promotion.categories))
        if promotion.books:
            what.append("some named books")
        raise CodeNotUsable(
            f"The discount code {code} applies only to {' and '.join(what)}, "
            "and none is in your cart."
        )
    base = to_cents(sum((line.price * line.quantity for line in eligible), Decimal(0)))
    amount = Decimal("0.00")
    if promotion.kind == PERCENT:
        amount = percent_off(base, promotion.value)
    elif promotion.kind == AMOUNT:
        amount = min(to_cents(promotion.value), base)
    return Discount(
        code=code,
        version=promotion.version,
        amount=amount,
        free_shipping=promotion.kind == FREE_SHIPPING,
        label=promotion_label(promotion),
    )
