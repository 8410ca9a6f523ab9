"""Wishlists and books saved for later: one table, one partition per shopper."""

from django.conf import settings
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from cloudshelf.dynamo import DecimalAttribute, IntegerAttribute, IsoDateTimeAttribute, table_meta

WISH, LATER = "wish", "later"
KINDS = (WISH, LATER)


def entry_key(kind: str, category: str, book_id: str) -> str:
    return f"{kind}#{category}#{book_id}"


def counter_key(kind: str) -> str:
    return f"#count#{kind}"


class WishlistEntry(Model):
    """A book a shopper keeps: on the wishlist (``sk`` is ``wish#category#book_id``) or
    saved for later from the cart (``later#...``), with the price it had then. Each kind
    has a counter item (``#count#wish``), moved in the same transaction as its entries,
    so the limit holds under concurrent adds."""

    Meta = table_meta(settings.WISHLISTS_TABLE_NAME)

    user_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    category = UnicodeAttribute(null=True)
    book_id = UnicodeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    saved_price = DecimalAttribute(null=True)
    quantity = IntegerAttribute(null=True)
    saved_at = IsoDateTimeAttribute(null=True)
    count = IntegerAttribute(null=True)  # on the counter item only
