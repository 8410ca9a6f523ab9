"""PynamoDB models of the catalog (the books table), in the seed document's shapes."""

from django.conf import settings
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
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


class StockWatch(Model):
    """Books whose stock was last seen at or under LOW_STOCK_THRESHOLD, as
    ``{"<category>#<book_id>": stock}``. The stock services keep it; the dashboard
    re-reads the listed books, so a restocked book never shows; a full recount (one Scan)
    repairs anything changed behind its back."""

    Meta = table_meta(settings.BOOKS_TABLE_NAME)
    KEY = (RESERVED_CATEGORY_PREFIX + "staff", "low-stock")

    category = UnicodeAttribute(hash_key=True, default=KEY[0])
    book_id = UnicodeAttribute(range_key=True, default=KEY[1])
    books = MapAttribute(default=dict)
    counted_at = IsoDateTimeAttribute(null=True)
    updated_at = IsoDateTimeAttribute(null=True)
