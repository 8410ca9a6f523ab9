"""Make moto's TransactWriteItems cost what its own items cost, not the whole table.

moto 5.2 deep-copies every table a transaction names, once per action, so that it can put
the copy back if the transaction is cancelled. A copy holds all the table's items and every
record its stream has ever had, so each transaction cost more than the last: a first
``dev.py serve`` spent minutes seeding, and the test suite slowed down as it went. The copy
also replaced the table object on a cancel, leaving open stream iterators on the old one.

Here the copy is not made. Before the transaction runs, the items it names are copied
(each alone) and the length of each stream is noted; if moto cancels or refuses the
transaction, those items are put back as they were and the stream records it wrote are
dropped, on the same table objects. Results and errors are moto's own."""

import copy
import types

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

_moto_transact_write_items = DynamoDBBackend.transact_write_items
_ABSENT = object()


def _deepcopy_except_tables(obj, memo=None):
    return obj if isinstance(obj, Table) else copy.deepcopy(obj, memo)


# moto.dynamodb.models uses ``copy.deepcopy`` for the tables' copies and, inside the
# transaction's updates, for single items: only the former is skipped.
_copy_without_tables = types.SimpleNamespace(deepcopy=_deepcopy_except_tables, copy=copy.copy)


def _key_of(table, op_type, op):
    attrs = op.get("Item") if op_type == "Put" else op.get("Key")
    if not isinstance(attrs, dict):
        return None
    hash_value = attrs.get(table.hash_key_attr)
    range_value = attrs.get(table.range_key_attr) if table.range_key_attr else None
    if hash_value is None or (table.range_key_attr and range_value is None):
        return None
    return DynamoType(hash_value), DynamoType(range_value) if range_value else None


def _stored(table, hash_key, range_key):
    partition = table.items.get(hash_key, _ABSENT)
    if partition is _ABSENT:
        return _ABSENT
    if range_key is None:
        return partition
    return partition.get(range_key, _ABSENT)


def _checkpoint(backend, transact_items):
    """(table, hash, range, copy of the item or _ABSENT) per action, and each stream's length."""
    items, streams = [], {}
    for action in transact_items:
        if not isinstance(action, dict) or len(action) != 1:
            continue
        ((op_type, op),) = action.items()
        table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
        key = _key_of(table, op_type, op) if table is not None else None
        if key is None:
            continue
        item = _stored(table, *key)
        items.append((table, *key, _ABSENT if item is _ABSENT else copy.deepcopy(item)))
        if table.stream_shard is not None:
            streams[id(table)] = (table.stream_shard, len(table.stream_shard.items))
    return items, streams


def _undo(items, streams):
    for table, hash_key, range_key, item in reversed(items):
        if range_key is None:
            if item is _ABSENT:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = item
        elif item is _ABSENT:
            table.items.get(hash_key, {}).pop(range_key, None)
        else:
            table.items[hash_key][range_key] = item
    for shard, length in streams.values():
        del shard.items[length:]


def _transact_write_items(self, transact_items):
    items, streams = _checkpoint(self, transact_items)
    # The emulator serves one request at a time, so swapping the module's ``copy`` is safe.
    dynamodb_models.copy = _copy_without_tables
    try:
        return _moto_transact_write_items(self, transact_items)
    except Exception:
        _undo(items, streams)
        raise
    finally:
        dynamodb_models.copy = copy


def install():
    DynamoDBBackend.transact_write_items = _transact_write_items
