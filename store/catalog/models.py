"""PynamoDB models of the catalog (the books table), in the seed document's shapes."""

import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
)
from pynamodb.constants import NULL, STRING
from pynamodb.exceptions import AttributeDeserializationError
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
# What reading a value of the wrong type or form raises: an attribute's own deserializer
# (Decimal, int, datetime.fromisoformat) or PynamoDB when the DynamoDB type is not its own.
UNREADABLE_VALUE_ERRORS = (AttributeDeserializationError, InvalidOperation, TypeError, ValueError)

# A book without these cannot be shown (a card, its page, checkout).
SHOWN_REQUIRED = ("title", "price")
MIN_PRICE = Decimal("0.01")  # as the staff form asks; a console price may be 0 or below

logger = logging.getLogger(__name__)


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

    # Attributes whose stored values could not be read (an item written from the console
    # with ``price`` "about ten", say), or that are missing though a page needs them, or a
    # key holding a "/". Such a book is listed nowhere a shopper looks until staff fix it;
    # its other values read as usual.
    unreadable: tuple[str, ...] = ()

    @classmethod
    def from_raw_data(cls, data):
        try:
            book = super().from_raw_data(data)
        except UNREADABLE_VALUE_ERRORS:
            book = cls._partly_read(data)
        # Read from the values themselves: a page reads many books, and this is the cheap way.
        values = book.attribute_values
        price = values.get("price")
        if (
            book.unreadable
            or values.get("title") is None
            or price is None
            or price < MIN_PRICE
            or "/" in data["category"][STRING]
            or "/" in data["book_id"][STRING]
        ):
            cls._unreadable_note(book)
        return book

    @classmethod
    def _partly_read(cls, data):
        book = cls(_user_instantiated=False)
        unreadable = []
        for name, attribute in cls.get_attributes().items():
            value = data.get(attribute.attr_name)
            if not value or NULL in value:
                continue
            try:
                setattr(book, name, attribute.deserialize(attribute.get_value(value)))
            except UNREADABLE_VALUE_ERRORS:
                unreadable.append(name)
        book.unreadable = tuple(unreadable)
        return book

    @classmethod
    def _unreadable_note(cls, book):
        """Add what a page needs and lacks (a title, a price, a key without "/") to what
        could not be read, and say so in the log."""
        if book.category.startswith(RESERVED_CATEGORY_PREFIX):
            return  # a summary or marker item that a Scan of the table also reads
        missing = tuple(name for name in SHOWN_REQUIRED if getattr(book, name) is None)
        if book.price is not None and book.price < MIN_PRICE:
            missing += ("price",)  # nothing is sold for less than a cent
        slashed = tuple(name for name in ("category", "book_id") if "/" in getattr(book, name))
        book.unreadable = tuple(dict.fromkeys(book.unreadable + missing + slashed))
        logger.warning(
            "book %s/%s has values the store cannot read or lacks: %s",
            book.category,
            book.book_id,
            ", ".join(book.unreadable),
        )

    @property
    def routable(self) -> bool:
        """Whether the key fits a page address: a "/" in a category or id (which staff
        pages refuse, the console does not) cannot stand in one path segment."""
        return "/" not in self.category and "/" not in self.book_id

    @property
    def listed(self) -> bool:
        """Whether shoppers see the book: not hidden by staff and nothing unreadable."""
        return not self.hidden and not self.unreadable

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
    updated_at = IsoDateTimeAttribute(null=True)  # the book's, to rank a newcomer against


class CatalogSummary(Model):
    """One item beside the books: the category names with their counts, and a few
    featured books, so the home page costs one read and never a Scan. Kept by the
    catalog-summary projection (store/catalog/projections.py)."""

    Meta = table_meta(settings.BOOKS_TABLE_NAME)
    KEY = (RESERVED_CATEGORY_PREFIX + "catalog", "summary")

    category = UnicodeAttribute(hash_key=True, default=KEY[0])
    book_id = UnicodeAttribute(range_key=True, default=KEY[1])
    categories = MapAttribute(default=dict)
    featured = ListAttribute(of=FeaturedBook, default=list)
    # Raised by each change of ``featured``: the condition of the next one.
    featured_version = IntegerAttribute(default=0)
    updated_at = IsoDateTimeAttribute()


class CatalogMember(Model):
    """In the projections table: one per visible book, counted in the summary's categories.
    Written in the same transaction as its count, so a book is counted exactly once."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)
    PK = "catalog-member"

    pk = UnicodeAttribute(hash_key=True, default=PK)
    sk = UnicodeAttribute(range_key=True)  # "<category>#<book_id>"


class LowStockBook(Model):
    """In the projections table: one per visible book at or under LOW_STOCK_THRESHOLD,
    with what the dashboard shows, so the low-stock list is one Query."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)
    PK = "low-stock"

    pk = UnicodeAttribute(hash_key=True, default=PK)
    sk = UnicodeAttribute(range_key=True)  # "<category>#<book_id>"
    category = UnicodeAttribute()
    book_id = UnicodeAttribute()
    title = UnicodeAttribute()
    stock_quantity = IntegerAttribute()


def member_key(category: str, book_id: str) -> str:
    """The range key of a book's projection items: ``<category>#<book_id>``."""
    return f"{category}#{book_id}"
