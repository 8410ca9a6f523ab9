"""Discount codes, in their own table (``PROMOTIONS_TABLE_NAME``, keys ``pk``/``sk``).

- ``pk="code"``, ``sk=<CODE>``: a code (its rules and its use count). One Query lists them
  all; applying a code is one GetItem by its normalized (upper-case) text.
- ``pk="code#<CODE>"``, ``sk="customer#<user_id>"``: how many times one customer used it.
- ``pk="code#<CODE>"``, ``sk="order#<user_id>#<order_id>"``: one order that used it, with
  the discount given. One Query of ``pk`` lists a code's orders.

Uses are counted in the transaction that places the order (store/orders/services.py),
conditioned on the limits, and given back in the one that cancels it."""

from decimal import Decimal

from django.conf import settings
from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.models import Model

from cloudshelf.dynamo import DecimalAttribute, IntegerAttribute, IsoDateTimeAttribute, table_meta

CODE_PK = "code"

PERCENT, AMOUNT, FREE_SHIPPING = "percent", "amount", "free_shipping"
KINDS = (PERCENT, AMOUNT, FREE_SHIPPING)
ACTIVE, PAUSED, ENDED = "active", "paused", "ended"
STATES = (ACTIVE, PAUSED, ENDED)
USE_PLACED, USE_RETURNED = "placed", "returned"


def code_normalize(code: str) -> str:
    """Codes are case-insensitive: ``summer10`` and ``SUMMER10`` are one code."""
    return code.strip().upper()


def uses_pk(code: str) -> str:
    return f"code#{code}"


def customer_sk(user_id: str) -> str:
    return f"customer#{user_id}"


def order_sk(user_id: str, order_id: str) -> str:
    return f"order#{user_id}#{order_id}"


class Promotion(Model):
    """One discount code. ``version`` counts staff changes (an order placed against an
    older version is refused); ``uses`` counts orders placed with it, not cancelled."""

    Meta = table_meta(settings.PROMOTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=CODE_PK)
    sk = UnicodeAttribute(range_key=True)  # the normalized code
    kind = UnicodeAttribute()
    # Percent (1-100) for PERCENT, money off for AMOUNT, unused for FREE_SHIPPING.
    value = DecimalAttribute(default=lambda: Decimal(0))
    min_subtotal = DecimalAttribute(null=True)
    starts_at = IsoDateTimeAttribute(null=True)
    ends_at = IsoDateTimeAttribute(null=True)
    max_uses = IntegerAttribute(null=True)
    per_customer = IntegerAttribute(null=True)
    categories = ListAttribute[str](default=list)
    books = ListAttribute[str](default=list)  # "category/book_id"
    state = UnicodeAttribute(default=ACTIVE)
    uses = IntegerAttribute(default=0)
    # Orders ever placed with it, cancelled ones included: a code once used is never deleted.
    placed = IntegerAttribute(default=0)
    discount_given = DecimalAttribute(default=lambda: Decimal(0))
    version = IntegerAttribute(default=1)
    created_at = IsoDateTimeAttribute()
    updated_at = IsoDateTimeAttribute()

    @property
    def code(self) -> str:
        return self.sk


class PromotionUse(Model):
    """A customer's use count (``sk`` ``customer#...``: ``times``) or one order's use
    (``sk`` ``order#...``: ``discount``, ``state``, ``at``)."""

    Meta = table_meta(settings.PROMOTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    times = IntegerAttribute(null=True)
    user_id = UnicodeAttribute(null=True)
    order_id = UnicodeAttribute(null=True)
    discount = DecimalAttribute(null=True)
    state = UnicodeAttribute(null=True)
    at = IsoDateTimeAttribute(null=True)


def audit_subject(code: str) -> str:
    """The code's subject in the audit trail (store/audit)."""
    return f"promotion#{code}"
