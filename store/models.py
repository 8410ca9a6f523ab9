"""PynamoDB models of the catalog, carts and orders, in the seed document's shapes."""

from django.conf import settings
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from cloudshelf.dynamo import (
    DecimalAttribute,
    IntegerAttribute,
    IsoDateTimeAttribute,
    table_meta,
)

# Items in the books table that are not books live under categories starting with this.
RESERVED_CATEGORY_PREFIX = "~"


class TitleSearchIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "TitleSearchIndex"
        projection = AllProjection()

    title = UnicodeAttribute(hash_key=True)


class Book(Model):
    Meta = table_meta(settings.BOOKS_TABLE_NAME)

    category = UnicodeAttribute(hash_key=True)
    book_id = UnicodeAttribute(range_key=True)
    title = UnicodeAttribute()
    author = UnicodeAttribute()
    isbn = UnicodeAttribute()
    price = DecimalAttribute()
    stock_quantity = IntegerAttribute(default=0)
    description = UnicodeAttribute(default="")
    image_url = UnicodeAttribute(null=True)
    # Key of the cover in the project's storage; image_url keeps the seed's value.
    image_key = UnicodeAttribute(null=True)
    hidden = BooleanAttribute(null=True)
    created_at = IsoDateTimeAttribute()
    updated_at = IsoDateTimeAttribute()

    title_index = TitleSearchIndex()

    @property
    def is_sold_out(self):
        return self.stock_quantity <= 0


class FeaturedBook(MapAttribute):
    category = UnicodeAttribute()
    book_id = UnicodeAttribute()
    title = UnicodeAttribute()
    author = UnicodeAttribute()
    price = DecimalAttribute()
    image_key = UnicodeAttribute(null=True)


class CatalogSummary(Model):
    """One item beside the books: the category names with their counts, and a few
    featured books, so the home page costs one read and never a Scan."""

    Meta = table_meta(settings.BOOKS_TABLE_NAME)
    KEY = (RESERVED_CATEGORY_PREFIX + "catalog", "summary")

    category = UnicodeAttribute(hash_key=True, default=KEY[0])
    book_id = UnicodeAttribute(range_key=True, default=KEY[1])
    categories = MapAttribute(default=dict)
    featured = ListAttribute(of=FeaturedBook, default=list)
    updated_at = IsoDateTimeAttribute()


class CartLine(MapAttribute):
    book_id = UnicodeAttribute()
    category = UnicodeAttribute()
    title = UnicodeAttribute()
    price = DecimalAttribute()
    quantity = IntegerAttribute()


class Cart(Model):
    Meta = table_meta(settings.CARTS_TABLE_NAME)

    user_id = UnicodeAttribute(hash_key=True)
    cart_id = UnicodeAttribute(range_key=True)
    items = ListAttribute(of=CartLine, default=list)
    total_amount = DecimalAttribute(default=0)
    item_count = IntegerAttribute(default=0)
    created_at = IsoDateTimeAttribute()
    updated_at = IsoDateTimeAttribute()
    expires_at = TTLAttribute()
    version = VersionAttribute()
    # Not in the seed's sample cart: a random reference given to each new cart, part of
    # the key of the order that checks it out (so one cart state gives one order).
    cart_ref = UnicodeAttribute(null=True)


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
