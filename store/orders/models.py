"""The order item and the index of orders by day, in the seed document's shapes."""

from django.conf import settings
from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from cloudshelf.dynamo import DecimalAttribute, IntegerAttribute, IsoDateTimeAttribute, table_meta


class Address(MapAttribute):
    street = UnicodeAttribute()
    city = UnicodeAttribute()
    state = UnicodeAttribute()
    postal_code = UnicodeAttribute()
    country = UnicodeAttribute(null=True)


class OrderLine(MapAttribute):
    book_id = UnicodeAttribute()
    # Not in the seed's sample order line: kept so that a cancellation can find the book.
    category = UnicodeAttribute(null=True)
    title = UnicodeAttribute()
    price = DecimalAttribute()
    quantity = IntegerAttribute()


class OrderDateIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "OrderDateIndex"
        projection = AllProjection()

    order_date = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute(range_key=True)


def guest_user_id(email: str) -> str:
    """The hash key of a guest's orders: the same for every order of one address."""
    import hashlib

    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"guest-{digest}"


class Order(Model):
    Meta = table_meta(settings.ORDERS_TABLE_NAME)

    user_id = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute(range_key=True)
    order_date = UnicodeAttribute()
    items = ListAttribute(of=OrderLine, default=list)
    subtotal = DecimalAttribute()
    tax = DecimalAttribute()
    shipping = DecimalAttribute()
    total = DecimalAttribute()
    status = UnicodeAttribute(default="confirmed")
    shipping_address = Address()
    created_at = IsoDateTimeAttribute()
    updated_at = IsoDateTimeAttribute()
    # Not in the seed's sample order: a random token of the request that placed it, so that
    # a request whose write was retried after a timeout recognises its own order.
    placement_token = UnicodeAttribute(null=True)
    # Not in the seed's sample order: the discount code used and what it took off the
    # subtotal, before tax (store/promotions). ``subtotal`` stays the sum of the lines.
    discount_code = UnicodeAttribute(null=True)
    discount = DecimalAttribute(null=True)
    # Not in the seed's sample order: the card payment (store/payments/). ``status`` is
    # "awaiting_payment" until the PaymentIntent is seen succeeded on the server, then
    # "confirmed"; an order whose payment never came is "payment_failed" (stock released).
    # ``payment_status``: awaiting, paid, failed, refunded, partially_refunded.
    payment_intent_id = UnicodeAttribute(null=True)
    payment_status = UnicodeAttribute(null=True)
    amount_cents = IntegerAttribute(null=True)  # what Stripe must charge: the total in cents
    payment_error = UnicodeAttribute(null=True)  # the last decline, as Stripe said it
    payment_expires_at = IsoDateTimeAttribute(null=True)
    paid_at = IsoDateTimeAttribute(null=True)
    refunded_cents = IntegerAttribute(null=True)
    # Not in the seed's sample order: a guest's order (no account) keeps who to tell; its
    # user_id is guest_user_id(email), so the account later made with it finds it.
    guest_email = UnicodeAttribute(null=True)
    guest_name = UnicodeAttribute(null=True)

    order_date_index = OrderDateIndex()

    @property
    def number(self):
        """The short number shown to people: ``order-20250905-100000-7K3M9Q2D`` is
        ``250905-7K3M9Q2D``; an id of another form is shown whole."""
        parts = self.order_id.split("-")
        if len(parts) == 4 and parts[0] == "order" and len(parts[1]) == 8:
            return f"{parts[1][2:]}-{parts[3]}"
        return self.order_id

    @property
    def status_label(self):
        return self.status.replace("_", " ").capitalize()

    @property
    def payment_label(self):
        """The payment state shown on the order's page and in the history."""
        if not self.payment_status:
            return ""
        from store.templatetags.store_tags import money

        labels = {
            "awaiting": "Awaiting payment",
            "paid": "Paid",
            "failed": "Failed",
            "refund_pending": "Refund on its way",
            "refunded": f"Refunded {money(self.refunded_amount)}",
            "partially_refunded": f"Partly refunded: {money(self.refunded_amount)}",
        }
        return labels.get(self.payment_status, self.payment_status)

    @property
    def refunded_amount(self):
        from decimal import Decimal

        return Decimal(self.refunded_cents or 0) / 100


# --- What the orders' projections keep, in the projections table (store/orders/projections.py)

SALES_DAY_PK = "sales-day"
SALES_LEDGER_PK = "sales-order"
EMAIL_SENT_PK = "email-sent"


class SalesDay(Model):
    """One day's figures (``sk`` is the order date, ``YYYY-MM-DD``): orders not cancelled,
    their revenue, cancellations, copies sold per book (``"category#book_id" -> copies``)
    and orders per status. Kept by the daily-sales projection; 30 days are one Query."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=SALES_DAY_PK)
    sk = UnicodeAttribute(range_key=True)
    orders = IntegerAttribute(default=0)
    revenue = DecimalAttribute(default=0)
    cancellations = IntegerAttribute(default=0)
    copies = MapAttribute(default=dict)
    statuses = MapAttribute(default=dict)


class SalesLedger(Model):
    """What one order currently contributes to its day (``sk`` is ``user_id#order_id``):
    the projection applies the difference between this and the order as it is now, in one
    transaction conditioned on ``version``."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=SALES_LEDGER_PK)
    sk = UnicodeAttribute(range_key=True)
    day = UnicodeAttribute()
    orders = IntegerAttribute(default=0)
    revenue = DecimalAttribute(default=0)
    cancellations = IntegerAttribute(default=0)
    copies = MapAttribute(default=dict)
    statuses = MapAttribute(default=dict)
    version = IntegerAttribute(default=0)


class EmailSent(Model):
    """The confirmation email of one order (``sk`` is ``user_id#order_id``): ``sending``
    while a delivery holds the claim (until ``claimed_until``), then ``sent`` (or
    ``skipped`` when there is nobody to send it to)."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=EMAIL_SENT_PK)
    sk = UnicodeAttribute(range_key=True)
    state = UnicodeAttribute()
    claim = UnicodeAttribute(null=True)
    claimed_until = IntegerAttribute(null=True)  # epoch seconds
    done_at = IsoDateTimeAttribute(null=True)
