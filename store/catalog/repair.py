"""The book-numbers projection: a price or stock typed into the DynamoDB console as a
string (``{"S": "14.50"}``; the console offers String first) is rewritten as the number it
holds, so that checkout's conditions (``stock_quantity >= 1``, ``price = 14.50``) and stock
changes (``ADD``), which DynamoDB applies to numbers only, work on it. Pages already read
such values (cloudshelf/dynamo.py); a string that holds no number is left for staff, whose
book page says what cannot be read."""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from pynamodb.constants import NUMBER, STRING
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.operand import Path

from cloudshelf.dynamo_errors import is_conditional_failure
from cloudshelf.streams.projections import Projection
from cloudshelf.streams.records import Change
from store.catalog.models import RESERVED_CATEGORY_PREFIX, Book

NUMBER_FIELDS = {"price": Book.price, "stock_quantity": Book.stock_quantity}
SCAN_PAGE_SIZE = 1000


def numbers_as_strings(item: dict | None) -> dict[str, str]:
    """The number fields of a raw item stored as strings that hold a finite number."""
    found = {}
    for name in NUMBER_FIELDS:
        value = (item or {}).get(name) or {}
        if STRING in value and NUMBER not in value and _is_number(value[STRING]):
            found[name] = value[STRING]
    return found


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except (InvalidOperation, ValueError):
        return False


def numbers_repair(keys: dict, strings: dict[str, str]) -> bool:
    """Rewrite ``strings`` as numbers on the item with ``keys``, on condition that each
    still holds the same string (one UpdateItem). False if someone changed it first."""
    actions = [NUMBER_FIELDS[name].set(Decimal(text)) for name, text in strings.items()]
    condition = Book.category.exists()
    for name, text in strings.items():
        condition &= Path(name) == {STRING: text}
    try:
        # The table's connection, not Book.update: that reads the whole item back, and the
        # item may hold other values no Book can read.
        Book._get_connection().update_item(
            keys["category"], keys["book_id"], actions=actions, condition=condition
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def book_numbers_wants(change: Change) -> bool:
    image = change.record["dynamodb"].get("NewImage")
    return not change.keys.get("category", "").startswith(RESERVED_CATEGORY_PREFIX) and bool(
        numbers_as_strings(image)
    )


def book_numbers_apply(change: Change) -> None:
    numbers_repair(change.keys, numbers_as_strings(change.record["dynamodb"].get("NewImage")))


def book_numbers_rebuild(
    *, dry_run: bool = False, progress: Callable[[int], object] | None = None
) -> int:
    """Repair every book holding a number as a string (a filtered Scan of raw items)."""
    filter_condition = Path("price").is_type(STRING) | Path("stock_quantity").is_type(STRING)
    pages = Book.scan(filter_condition, page_size=SCAN_PAGE_SIZE, consistent_read=True)
    repaired = 0
    for page in pages.page_iter:
        if progress:
            progress(page.get("ScannedCount", 0))
        for item in page.get("Items", []):
            strings = numbers_as_strings(item)
            keys = {"category": item["category"]["S"], "book_id": item["book_id"]["S"]}
            if strings and not keys["category"].startswith(RESERVED_CATEGORY_PREFIX):
                repaired += dry_run or numbers_repair(keys, strings)
    return repaired


book_numbers = Projection(
    name="book-numbers",
    table_setting="BOOKS_TABLE_NAME",
    apply=book_numbers_apply,
    rebuild=book_numbers_rebuild,
    wants=book_numbers_wants,
    description="prices and stock typed in as strings, rewritten as numbers",
)
