"""What a DynamoDB request costs in read and write request units, by DynamoDB's published
rules, computed from the items a request carries or returns.

The local emulator (moto) is no help here: asked for ``ReturnConsumedCapacity`` it answers a
constant whatever the item (0.5 for any GetItem, 1.0 for any Query or PutItem) and nothing
for TransactWriteItems. So the benchmarks compute capacity themselves, with these rules
(Amazon DynamoDB Developer Guide, "DynamoDB item sizes and formats" and "read/write
capacity units"):

* item size: attribute names plus values; a string is its UTF-8 bytes, a number about one
  byte per two significant digits plus one, a boolean or null one byte, a list or map three
  bytes plus one byte per element plus its elements;
* reads are counted in 4 KB: GetItem rounds the item up to 4 KB, Query and Scan round the
  *sum* of the items read up to 4 KB once, BatchGetItem rounds each item; an eventually
  consistent read costs half of a strongly consistent one; a transactional read costs two;
  a read that finds nothing still costs the minimum;
* writes are counted in 1 KB of the larger of the item before and after; a transactional
  write costs two; each global secondary index the item is (or was) in costs one more
  write of its projected size (two when the index key changes: a delete and a put).

Pure functions and one small class; nothing here talks to DynamoDB.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

READ_BLOCK = 4096
WRITE_BLOCK = 1024

READ_OPERATIONS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
WRITE_OPERATIONS = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
DATA_OPERATIONS = READ_OPERATIONS | WRITE_OPERATIONS


def number_size(text):
    """Bytes DynamoDB counts for a number value (its digits, as sent on the wire)."""
    value = Decimal(text)
    digits = value.normalize().as_tuple().digits if value else (0,)
    significant = len(digits)
    return math.ceil(significant / 2) + 1 + (1 if value < 0 else 0)


def value_size(value):
    """Bytes for one AttributeValue in DynamoDB's wire JSON (``{"S": "..."}``)."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        return number_size(inner)
    if kind == "B":
        return len(inner) if isinstance(inner, (bytes, bytearray)) else len(_b64decode(inner))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in inner)
    if kind == "NS":
        return sum(number_size(n) for n in inner)
    if kind == "BS":
        return sum(
            len(b) if isinstance(b, (bytes, bytearray)) else len(_b64decode(b)) for b in inner
        )
    if kind == "L":
        return 3 + sum(1 + value_size(element) for element in inner)
    if kind == "M":
        return 3 + sum(
            1 + len(name.encode("utf-8")) + value_size(element) for name, element in inner.items()
        )
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def _b64decode(text):
    import base64

    return base64.b64decode(text)


def item_size(item):
    """Bytes of a whole item: every attribute's name and value."""
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def read_units(size, *, consistent=False, transactional=False):
    """Read request units for reading ``size`` bytes in one unit of rounding."""
    blocks = max(1, math.ceil(size / READ_BLOCK))
    if transactional:
        return 2.0 * blocks
    return float(blocks) if consistent else blocks / 2


def write_units(size, *, transactional=False):
    blocks = max(1, math.ceil(size / WRITE_BLOCK))
    return float(blocks * (2 if transactional else 1))


@dataclass
class Index:
    name: str
    key_attributes: tuple
    projection: str = "ALL"  # ALL, KEYS_ONLY or INCLUDE


@dataclass
class Usage:
    """Request units of one request; ``estimated`` says a size had to be assumed."""

    read: float = 0.0
    write: float = 0.0
    estimated: list = field(default_factory=list)

    def __iadd__(self, other):
        self.read += other.read
        self.write += other.write
        self.estimated += other.estimated
        return self


class CapacityCalculator:
    """Request units of DynamoDB calls, from their parameters and responses.

    ``table_indexes`` maps a table name to its global secondary indexes. Items seen in any
    call are remembered by key, so that a later update or delete (whose item the request
    does not carry) is sized from what was last seen of it.
    """

    def __init__(self, table_keys, table_indexes=None):
        self.table_keys = table_keys  # {table: (hash_attr, range_attr or None)}
        self.table_indexes = table_indexes or {}
        self.items = {}  # {(table, key json): item}

    # -- remembering items ----------------------------------------------------------
    def _key(self, table, item_or_key):
        names = [n for n in self.table_keys.get(table, ()) if n]
        if not names or any(n not in item_or_key for n in names):
            return None
        return table, tuple((n, tuple(item_or_key[n].items())) for n in names)

    def _remember(self, table, item):
        key = self._key(table, item)
        if key:
            self.items[key] = item

    def _known(self, table, key_or_item):
        key = self._key(table, key_or_item)
        return self.items.get(key) if key else None

    def _forget(self, table, key_or_item):
        key = self._key(table, key_or_item)
        if key:
            self.items.pop(key, None)

    # -- the rules ------------------------------------------------------------------
    def usage(self, operation, params, response):
        """A Usage for one call. ``response`` is botocore's parsed response, or None
        when the call failed (a failed conditional write still costs its units)."""
        handler = getattr(self, "_" + operation, None)
        if handler is None or operation not in DATA_OPERATIONS:
            return Usage()
        return handler(params, response or {})

    def _GetItem(self, params, response):
        item = response.get("Item")
        if item:
            self._remember(params["TableName"], item)
        return Usage(
            read=read_units(
                item_size(item) if item else 0, consistent=bool(params.get("ConsistentRead"))
            )
        )

    def _Query(self, params, response):
        items = response.get("Items", [])
        table = params["TableName"]
        if "IndexName" not in params:
            for item in items:
                self._remember(table, item)
        size, estimated = sum(item_size(i) for i in items), []
        scanned, count = response.get("ScannedCount", len(items)), len(items)
        if scanned > count:  # a filter dropped items we cannot see: size them as the rest
            average = size / count if count else 0
            size += average * (scanned - count)
            estimated.append("filtered items sized as the returned ones")
        if params.get("ProjectionExpression") or params.get("Select") == "COUNT":
            estimated.append("projected read: capacity counts whole items")
        consistent = bool(params.get("ConsistentRead")) and "IndexName" not in params
        return Usage(read=read_units(size, consistent=consistent), estimated=estimated)

    _Scan = _Query

    def _BatchGetItem(self, params, response):
        usage = Usage()
        for table, items in response.get("Responses", {}).items():
            consistent = bool(params["RequestItems"].get(table, {}).get("ConsistentRead"))
            for item in items:
                self._remember(table, item)
                usage.read += read_units(item_size(item), consistent=consistent)
            # Keys asked for and not found still cost the minimum each.
            missing = len(params["RequestItems"].get(table, {}).get("Keys", [])) - len(items)
            missing -= len(response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", []))
            usage.read += max(0, missing) * read_units(0, consistent=consistent)
        return usage

    def _TransactGetItems(self, params, response):
        usage = Usage()
        for action, result in zip(
            params["TransactItems"], response.get("Responses", []), strict=False
        ):
            item = (result or {}).get("Item")
            if item:
                self._remember(action["Get"]["TableName"], item)
            usage.read += read_units(item_size(item) if item else 0, transactional=True)
        return usage

    def _write(self, table, before, after, *, transactional=False, guessed=None):
        size = max(item_size(before) if before else 0, item_size(after) if after else 0)
        usage = Usage(write=write_units(size, transactional=transactional))
        if guessed:
            usage.estimated.append(guessed)
        for index in self.table_indexes.get(table, ()):
            was = before is not None and all(k in before for k in index.key_attributes)
            now = after is not None and all(k in after for k in index.key_attributes)
            if not was and not now:
                continue
            keys_changed = was and now and any(before[k] != after[k] for k in index.key_attributes)
            projected = self._projected_size(
                index, before if was else None, after if now else None
            )
            writes = (2 if keys_changed else 1) if (was and now) else 1
            usage.write += writes * write_units(projected)
        if after is not None:
            self._remember(table, after)
        elif before is not None:
            self._forget(table, before)
        return usage

    def _projected_size(self, index, before, after):
        if index.projection == "KEYS_ONLY":
            items = [i for i in (before, after) if i]
            return max(
                item_size({k: v for k, v in i.items() if k in index.key_attributes}) for i in items
            )
        return max(item_size(i) for i in (before, after) if i)

    def _PutItem(self, params, response, transactional=False):
        table, item = params["TableName"], params["Item"]
        before = (response or {}).get("Attributes") or self._known(table, item)
        return self._write(table, before, item, transactional=transactional)

    def _UpdateItem(self, params, response, transactional=False):
        table = params["TableName"]
        before = self._known(table, params["Key"])
        after = (response or {}).get("Attributes")
        guessed = None
        if after is None or params.get("ReturnValues") not in ("ALL_NEW", None):
            # The request holds an update expression, not the item: size it as last seen.
            after = before if before is not None else dict(params["Key"])
            guessed = (
                "updated item sized as last seen"
                if before is not None
                else "updated item of unknown size counted as under 1 KB"
            )
        return self._write(table, before, after, transactional=transactional, guessed=guessed)

    def _DeleteItem(self, params, response, transactional=False):
        table = params["TableName"]
        before = (response or {}).get("Attributes") or self._known(table, params["Key"])
        guessed = None if before else "deleted item of unknown size counted as under 1 KB"
        return self._write(
            table,
            before or dict(params["Key"]),
            None,
            transactional=transactional,
            guessed=guessed,
        )

    def _BatchWriteItem(self, params, response):
        usage = Usage()
        for table, requests in params["RequestItems"].items():
            for request in requests:
                if "PutRequest" in request:
                    usage += self._PutItem({"TableName": table, **request["PutRequest"]}, {})
                else:
                    usage += self._DeleteItem({"TableName": table, **request["DeleteRequest"]}, {})
        return usage

    def _TransactWriteItems(self, params, response):
        usage = Usage()
        for action in params["TransactItems"]:
            ((kind, body),) = action.items()
            if kind == "Put":
                usage += self._PutItem(body, {}, transactional=True)
            elif kind == "Update":
                usage += self._UpdateItem(body, {}, transactional=True)
            elif kind == "Delete":
                usage += self._DeleteItem(body, {}, transactional=True)
            elif kind == "ConditionCheck":
                known = self._known(body["TableName"], body["Key"])
                usage.write += write_units(item_size(known) if known else 0, transactional=True)
        return usage


def calculator_for_models(models):
    """A CapacityCalculator for PynamoDB model classes (the first model of each table
    gives its keys and indexes)."""
    table_keys, table_indexes = {}, {}
    for model in models:
        table = model.Meta.table_name
        if table in table_keys:
            continue
        table_keys[table] = (model._hash_keyname, model._range_keyname)
        table_indexes[table] = [
            Index(
                index.Meta.index_name,
                tuple(attr.attr_name for attr in index.Meta.attributes.values()),
                index.Meta.projection.projection_type,
            )
            for index in model._indexes.values()
        ]
    return CapacityCalculator(table_keys, table_indexes)
