"""The cart item, in the seed document's shape."""

from django.conf import settings
from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from cloudshelf.dynamo import DecimalAttribute, IntegerAttribute, IsoDateTimeAttribute, table_meta


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
    # Not in the seed's sample cart: the discount code the shopper entered (store/promotions).
    discount_code = UnicodeAttribute(null=True)
