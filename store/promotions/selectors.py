"""Reads of discount codes. Applying a code is one GetItem of its item."""

import re
from collections.abc import Iterable
from datetime import datetime

from cloudshelf.dynamo import utcnow
from store.promotions.models import CODE_PK, Promotion, PromotionUse, code_normalize, uses_pk
from store.promotions.rules import CodeUnknown, Discount, PricedLine, promotion_discount

CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,39}")


def promotion_get(*, code: object, consistent_read: bool = False) -> Promotion | None:
    """The code (any case, surrounding spaces ignored) as stored (one GetItem), or None,
    without a request, for text that cannot be a code."""
    if not isinstance(code, str):
        return None
    normalized = code_normalize(code)
    if not CODE_PATTERN.fullmatch(normalized):
        return None
    try:
        return Promotion.get(CODE_PK, normalized, consistent_read=consistent_read)
    except Promotion.DoesNotExist:
        return None


def promotion_list() -> list[Promotion]:
    """Every code, in alphabetical order (one Query)."""
    return list(Promotion.query(CODE_PK))


def promotion_orders_list(*, code: str, limit: int = 100) -> list[PromotionUse]:
    """The orders that used ``code``, newest order id last (one Query)."""
    return list(
        PromotionUse.query(uses_pk(code), PromotionUse.sk.startswith("order#"), limit=limit)
    )


def discount_get(
    *,
    code: str,
    lines: Iterable[PricedLine],
    now: datetime | None = None,
    consistent_read: bool = False,
) -> Discount:
    """What ``code`` takes off ``lines`` now (one GetItem). Raises CodeUnknown or
    CodeNotUsable, whose message says why it takes nothing off."""
    promotion = promotion_get(code=code, consistent_read=consistent_read)
    if promotion is None:
        raise CodeUnknown()
    return promotion_discount(promotion=promotion, lines=lines, now=now or utcnow())
