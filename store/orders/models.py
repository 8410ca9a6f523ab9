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

    order_date_index = OrderDateIndex()

    @property
    def number(self):
        """The short number shown to people: ``order-20250905-100000-7K3M9Q2D`` is
        ``250905-7K3M9Q2D``; an id of another form is shown whole."""
        parts = self.order_id.split("-")
        if len(parts) == 4 and parts[0] == "order" and len(parts[1]) == 8:
            return f"{parts[1][2:]}-{parts[3]}"
        return self.order_id
