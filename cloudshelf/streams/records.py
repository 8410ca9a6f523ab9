"""A stream record as a ``Change``: which table, which item, what it was and what it is."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from pynamodb.models import Model

INSERT, MODIFY, REMOVE = "INSERT", "MODIFY", "REMOVE"

_M = TypeVar("_M", bound=Model)


def _value(attribute: dict[str, Any]) -> Any:
    """A DynamoDB AttributeValue as a plain Python value, as boto3's TypeDeserializer
    gives it but for binary values (bytes here). Our own: importing boto3 for it cost
    every worker that serves the staff dashboard 3 MB and 41 modules."""
    ((kind, value),) = attribute.items()
    if kind == "S" or kind == "BOOL" or kind == "B":
        return value
    if kind == "N":
        return Decimal(value)
    if kind == "NULL":
        return None
    if kind == "M":
        return {name: _value(item) for name, item in value.items()}
    if kind == "L":
        return [_value(item) for item in value]
    if kind == "SS" or kind == "BS":
        return set(value)
    if kind == "NS":
        return {Decimal(number) for number in value}
    raise TypeError(f"unknown DynamoDB type {kind!r}")


def image_number(image: dict[str, Any] | None, name: str) -> Decimal:
    """A number from a plain image; 0 when absent or when it holds no number (a stock
    typed into the console as words). A number typed as a string is read as one."""
    try:
        number = Decimal(str((image or {}).get(name) or 0))
    except ArithmeticError:
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)


def _plain(image: dict[str, Any] | None) -> dict[str, Any]:
    return {name: _value(value) for name, value in (image or {}).items()}


def table_name_of(event_source_arn: str) -> str:
    """``arn:aws:dynamodb:us-east-1:123:table/cloudshelf-books/stream/2025-...`` gives
    ``cloudshelf-books``."""
    return event_source_arn.split(":table/", 1)[1].split("/", 1)[0]


@dataclass(frozen=True)
class Change:
    """One record of a table's stream. ``old`` and ``new`` are the item's images as plain
    Python values (numbers as Decimal), None where the item did not or does not exist."""

    table_name: str
    event_name: str
    sequence_number: str
    created_at: datetime | None
    record: dict[str, Any]

    @classmethod
    def from_record(cls, record: dict[str, Any], *, table_name: str | None = None) -> "Change":
        """From a record as Lambda delivers it (``eventSourceARN`` names the table) or as
        GetRecords returns it (then ``table_name`` must be given)."""
        stream = record["dynamodb"]
        created = stream.get("ApproximateCreationDateTime")
        if isinstance(created, int | float):
            created = datetime.fromtimestamp(created, UTC)
        elif isinstance(created, str):  # a record kept as JSON (a dead letter)
            created = datetime.fromisoformat(created).astimezone(UTC)
        elif isinstance(created, datetime):
            created = created.astimezone(UTC)
        return cls(
            table_name=table_name or table_name_of(record["eventSourceARN"]),
            event_name=record["eventName"],
            sequence_number=stream["SequenceNumber"],
            created_at=created,
            record=record,
        )

    @cached_property
    def keys(self) -> dict[str, Any]:
        return _plain(self.record["dynamodb"].get("Keys"))

    @cached_property
    def old(self) -> dict[str, Any] | None:
        image = self.record["dynamodb"].get("OldImage")
        return _plain(image) if image else None

    @cached_property
    def new(self) -> dict[str, Any] | None:
        image = self.record["dynamodb"].get("NewImage")
        return _plain(image) if image else None

    def old_as(self, model: type[_M]) -> _M | None:
        """The old image as an instance of a PynamoDB ``model``, or None."""
        image = self.record["dynamodb"].get("OldImage")
        return model.from_raw_data(image) if image else None

    def new_as(self, model: type[_M]) -> _M | None:
        """The new image as an instance of a PynamoDB ``model``, or None."""
        image = self.record["dynamodb"].get("NewImage")
        return model.from_raw_data(image) if image else None

    def changed(self, *names: str) -> bool:
        """True when any of the named attributes differs between the two images."""
        old, new = self.old or {}, self.new or {}
        return any(old.get(name) != new.get(name) for name in names)
