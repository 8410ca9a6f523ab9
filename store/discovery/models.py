"""Discovery's items, in the projections table (``PROJECTIONS_TABLE_NAME``, keyed
``pk``/``sk``): best-seller counters and rankings, co-purchase counts, new releases and the
category pages' sort items. Every one of them is derived from the orders and books tables
by the projections in store/discovery/projections.py and can be rebuilt from them."""

from typing import Any

from django.conf import settings
from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.models import Model

from cloudshelf.dynamo import DecimalAttribute, IntegerAttribute, table_meta

SALES_DAY_PK = "discovery-sales-day"
ORDER_MARK_PK = "discovery-order"
BOOK_FACTS_PK = "discovery-book"
LIST_PK = "discovery-list"
ALSO_BOUGHT_PK = "discovery-also-bought"
SORT_PK_PREFIX = "discovery-sort#"


def book_ref(category: str | None, book_id: str) -> str:
    return f"{category or ''}#{book_id}"


def sort_pk(category: str, order: str, in_stock_only: bool = False) -> str:
    """The partition of a category's sort items in one order (the category pages read it,
    the projections write it)."""
    return f"{SORT_PK_PREFIX}{category}#{order}" + ("#instock" if in_stock_only else "")


def ref_split(ref: str) -> tuple[str, str]:
    category, _, book_id = ref.rpartition("#")
    return category, book_id


class Entry(MapAttribute):
    """A book as a list shows it (its card), with the figure it was ranked by."""

    category = UnicodeAttribute()
    book_id = UnicodeAttribute()
    title = UnicodeAttribute()
    author = UnicodeAttribute()
    price = DecimalAttribute()
    image_key = UnicodeAttribute(null=True)
    stock_quantity = IntegerAttribute(default=0)
    count = IntegerAttribute(default=0)


class SalesCounterDay(Model):
    """Copies sold on one day (``sk`` = ``YYYY-MM-DD``) per book (``"category#book_id"``),
    counting only orders that count (store.discovery.rules.order_counts)."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)
    pk = UnicodeAttribute(hash_key=True, default=SALES_DAY_PK)
    sk = UnicodeAttribute(range_key=True)
    copies: MapAttribute[str, Any] = MapAttribute(default=dict)


class OrderMark(Model):
    """What one order (``sk`` = ``user_id#order_id``) contributes now: its day and copies
    per book. Moved in the same transaction as the counters, conditioned on ``version``."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)
    pk = UnicodeAttribute(hash_key=True, default=ORDER_MARK_PK)
    sk = UnicodeAttribute(range_key=True)
    day = UnicodeAttribute(null=True)
    copies: MapAttribute[str, Any] = MapAttribute(default=dict)
    version = IntegerAttribute(default=0)


class BookFacts(Model):
    """One book's figures (``sk`` = ``category#book_id``): copies sold in counted orders,
    how many counted orders it shares with each other book (``partners``), and the sort
    items it has now (``sort_keys``, ``pk|sk``; their own version, ``sort_version``)."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)
    pk = UnicodeAttribute(hash_key=True, default=BOOK_FACTS_PK)
    sk = UnicodeAttribute(range_key=True)
    sold = IntegerAttribute(default=0)
    partners: MapAttribute[str, Any] = MapAttribute(default=dict)
    sort_keys = ListAttribute(of=UnicodeAttribute, default=list)
    sort_version = IntegerAttribute(default=0)


class BookList(Model):
    """A ranked list a page reads in one GetItem: ``best#7#all``, ``best#30#<category>``,
    ``new#all``."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)
    pk = UnicodeAttribute(hash_key=True, default=LIST_PK)
    sk = UnicodeAttribute(range_key=True)
    entries = ListAttribute(of=Entry, default=list)
    as_of = UnicodeAttribute(null=True)


class AlsoBought(Model):
    """The book page's "also bought" (``sk`` = ``category#book_id``), best first."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)
    pk = UnicodeAttribute(hash_key=True, default=ALSO_BOUGHT_PK)
    sk = UnicodeAttribute(range_key=True)
    entries = ListAttribute(of=Entry, default=list)


class SortItem(Model):
    """One book in one sort order of its category: ``pk`` = ``discovery-sort#<category>#
    <order>`` (``#instock`` for the in-stock-only list), ``sk`` a key that sorts in that
    order. It carries the card, so a page of a category in any order is one Query."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    category = UnicodeAttribute()
    book_id = UnicodeAttribute()
    title = UnicodeAttribute()
    author = UnicodeAttribute()
    price = DecimalAttribute()
    image_key = UnicodeAttribute(null=True)
    stock_quantity = IntegerAttribute(default=0)
