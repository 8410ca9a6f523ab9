"""Discovery's reads, each at a fixed cost whatever the size of the store."""

from dataclasses import dataclass, field
from typing import Any

from cloudshelf.dynamo import batch_get_raw
from cloudshelf.errors import ApplicationError
from store.catalog.models import CatalogSummary
from store.discovery import rules
from store.discovery.models import (
    ALSO_BOUGHT_PK,
    LIST_PK,
    AlsoBought,
    BookList,
    Entry,
    SortItem,
    book_ref,
    sort_pk,
)
from store.pagination import decode_page_token, encode_page_token
from store.reviews.models import RATING_SUMMARY_PK
from store.reviews.selectors import Rating

#: The category page's orders: name -> (label, sort items' order, ascending)
SORTS = {
    "title": ("Title", "title", True),
    "price": ("Price: low to high", "price", True),
    "price-desc": ("Price: high to low", "price", False),
    "newest": ("Newest", "newest", False),
    "best": ("Best selling", "best", False),
}


class InvalidSort(ApplicationError, ValueError):
    message = "Choose one of the listed sort orders."
    status_code = 400


class InvalidWindow(ApplicationError, ValueError):
    message = "Best sellers are kept for the last 7 or 30 days."
    status_code = 400


def list_sk(kind: str, *, days: int | None = None, category: str | None = None) -> str:
    scope = category or "all"
    return f"best#{days}#{scope}" if kind == "best" else f"new#{scope}"


def book_list_get(sk: str) -> list[Entry]:
    """A ranked list (one GetItem); empty when there is none yet."""
    try:
        return list(BookList.get(LIST_PK, sk).entries)
    except BookList.DoesNotExist:
        return []


def best_sellers_get(*, days: int, category: str | None = None) -> list[Entry]:
    if days not in rules.WINDOWS:
        raise InvalidWindow()
    return book_list_get(list_sk("best", days=days, category=category))


@dataclass
class HomePage:
    summary: CatalogSummary | None
    best_sellers: list[Entry] = field(default_factory=list)
    new_releases: list[Entry] = field(default_factory=list)


def home_page_get() -> HomePage:
    """The home page's ONE request: a BatchGetItem of the catalog summary (books table),
    the 7-day best sellers and the new releases (projections table)."""
    books_table = CatalogSummary.Meta.table_name
    lists_table = BookList.Meta.table_name
    sk_best, sk_new = list_sk("best", days=7), list_sk("new")
    summary_key = {
        "category": {"S": CatalogSummary.KEY[0]},
        "book_id": {"S": CatalogSummary.KEY[1]},
    }
    request: dict[str, Any] = {
        books_table: {"Keys": [summary_key]},
        lists_table: {
            "Keys": [{"pk": {"S": LIST_PK}, "sk": {"S": sk}} for sk in (sk_best, sk_new)]
        },
    }
    found = batch_get_raw(request)
    page = HomePage(summary=None)
    for raw in found.get(books_table, []):
        if raw.get("category", {}).get("S") == CatalogSummary.KEY[0]:
            page.summary = CatalogSummary.from_raw_data(raw)
    for raw in found.get(lists_table, []):
        item = BookList.from_raw_data(raw)
        if item.sk == sk_best:
            page.best_sellers = list(item.entries)
        elif item.sk == sk_new:
            page.new_releases = list(item.entries)[: rules.NEW_RELEASES_SHOWN]
    return page


@dataclass
class CategoryExtras:
    card_ratings: dict[str, Rating] = field(default_factory=dict)
    best_sellers: list[Entry] = field(default_factory=list)
    best_sellers_days: int = rules.CATEGORY_BEST_SELLERS_DAYS


def category_page_extras(*, category: str, book_ids: list[str]) -> CategoryExtras:
    """What the category page reads beside its Query, in ONE BatchGetItem of the projections
    table: the cards' rating figures (not their reviews) and the category's best sellers."""
    table = BookList.Meta.table_name
    sk_best = list_sk("best", days=rules.CATEGORY_BEST_SELLERS_DAYS, category=category)
    keys = [{"pk": {"S": RATING_SUMMARY_PK}, "sk": {"S": b}} for b in dict.fromkeys(book_ids)]
    keys.append({"pk": {"S": LIST_PK}, "sk": {"S": sk_best}})
    request = {
        table: {
            "Keys": keys,
            "ProjectionExpression": "pk, sk, #count, #total, entries",
            "ExpressionAttributeNames": {"#count": "count", "#total": "total"},
        }
    }
    extras = CategoryExtras()
    for raw in batch_get_raw(request).get(table, []):
        pk, sk = raw["pk"]["S"], raw["sk"]["S"]
        if pk == LIST_PK and sk == sk_best:
            entries = list(BookList.from_raw_data(raw).entries)
            extras.best_sellers = entries[: rules.CATEGORY_BEST_SELLERS_SHOWN]
        elif pk == RATING_SUMMARY_PK:
            count = int(raw.get("count", {}).get("N", 0))
            if count > 0:
                total = int(raw.get("total", {}).get("N", 0))
                extras.card_ratings[sk] = Rating(count=count, total=total)
    return extras


def also_bought_key(*, category: str, book_id: str) -> tuple[type, dict[str, str]]:
    """The book page's "also bought" item, for the page's one BatchGetItem beside the book."""
    return AlsoBought, {"pk": ALSO_BOUGHT_PK, "sk": book_ref(category, book_id)}


def also_bought_entries(item: AlsoBought | None, *, book_id: str) -> list[Entry]:
    if item is None:
        return []
    entries = [e for e in item.entries if e.book_id != book_id and (e.stock_quantity or 0) > 0]
    return entries[: rules.ALSO_BOUGHT_SHOWN]


def category_sorted_page(
    *,
    category: str,
    sort: str,
    in_stock_only: bool = False,
    page_token: str | None = None,
    page_size: int = 24,
) -> tuple[list[SortItem], str | None]:
    """One page of a category in one of SORTS (one Query of its sort items)."""
    if sort not in SORTS:
        raise InvalidSort()
    _label, order, ascending = SORTS[sort]
    pk = sort_pk(category, order, in_stock_only)
    scope = f"category-sort:{pk}:{'asc' if ascending else 'desc'}"
    start = decode_page_token(page_token, scope=scope)
    results = SortItem.query(
        pk,
        scan_index_forward=ascending,
        limit=page_size,
        page_size=page_size,
        last_evaluated_key=start,
    )
    items = list(results)
    return items, encode_page_token(results.last_evaluated_key, scope=scope)


def new_releases_page(*, category: str | None) -> list[Any]:
    """New releases: overall (one GetItem) or of one category (one Query, newest first)."""
    if not category:
        return book_list_get(list_sk("new"))[: rules.NEW_RELEASES_SHOWN]
    items, _token = category_sorted_page(
        category=category, sort="newest", page_size=rules.NEW_RELEASES_SHOWN
    )
    return items
