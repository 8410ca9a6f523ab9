"""Cheaper item sizes and copies in the emulator, and what it looks up on every request
(its services, a handler's methods) found once.

Profiled on the category page's Query (24 items), moto 5.2 spent about a quarter of its
time sizing items (twice per item per Query, a method call and a bytes copy per string),
another fifth deep-copying the items it answers (through ``copy.deepcopy``'s memo for every
value), and on every request it listed its own package's folders to find the service and
inspected the handler class for its methods (a tenth of an empty GetItem). These give the same sizes, equal and independent copies, and the same list, with
less work; anything unusual goes to moto's own code. tests/unit/test_localaws_fast_items.py
compares them with moto's."""

from moto import backends
from moto.core import responses
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import Table

_moto_value_size = DynamoType.size
_moto_item_size = Item.size
_moto_item_copy = Item.__deepcopy__
_moto_modules = backends.list_of_moto_modules
_moto_method_names = responses.method_names_from_class
_method_names = {}  # handler class -> its methods' names
_sizes = None  # id(item) -> size, while a Query runs (nothing changes an item meanwhile)
_SETS = ("SS", "NS", "BS")


def _bytesize(text):
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def value_size(value):
    kind, inner = value.type, value.value
    if kind == "S" and type(inner) is str:
        return _bytesize(inner)
    if kind == "N":
        return len(str(inner))
    if kind == "M" and type(inner) is dict and all(type(v) is DynamoType for v in inner.values()):
        return sum(_bytesize(k) + value_size(v) for k, v in inner.items())
    if kind == "L":
        return sum(value_size(v) for v in inner)
    if kind in ("BOOL", "NULL") and type(inner) is bool:
        return 1
    return _moto_value_size(value)


def item_size(item):
    if _sizes is not None and id(item) in _sizes:
        return _sizes[id(item)]
    size = sum(_bytesize(key) + value_size(value) for key, value in item.attrs.items())
    if _sizes is not None:
        _sizes[id(item)] = size
    return size


def _sizes_kept(query):
    """A Query that sizes each item once: moto sizes every item it reads twice (the 1 MB
    page limit, then the page's running size). The emulator runs one request at a time."""

    def sized_once(*args, **kwargs):
        global _sizes
        _sizes = {}
        try:
            return query(*args, **kwargs)
        finally:
            _sizes = None

    sized_once.unwrapped = query
    return sized_once


def _value_copy(value):
    copied = DynamoType.__new__(DynamoType)
    kind, inner = value.type, value.value
    copied.type = kind
    if kind == "L":
        copied.value = [_value_copy(v) for v in inner]
    elif kind == "M":
        copied.value = {k: _value_copy(v) for k, v in inner.items()}
    elif kind in _SETS:
        copied.value = list(inner)
    else:  # strings, numbers, booleans, binary: immutable
        copied.value = inner
    return copied


def _all_values(values):
    for value in values:
        if type(value) is not DynamoType:
            return False
        if value.type in ("L", "M"):
            inner = value.value.values() if value.type == "M" else value.value
            if not _all_values(inner):
                return False
    return True


def item_copy(item, memo):
    keys = [k for k in (item.hash_key, item.range_key) if k is not None]
    if not _all_values([*keys, *item.attrs.values()]):
        return _moto_item_copy(item, memo)
    copied = Item.__new__(Item)
    memo[id(item)] = copied
    copied.hash_key = None if item.hash_key is None else _value_copy(item.hash_key)
    copied.range_key = None if item.range_key is None else _value_copy(item.range_key)
    attrs = LimitedSizeDict.__new__(LimitedSizeDict)
    # dict's own update: LimitedSizeDict's checks the size on every key (moto skips it too).
    dict.update(attrs, {key: _value_copy(value) for key, value in item.attrs.items()})
    copied.attrs = attrs
    return copied


_modules = None


def moto_modules():
    """moto's service folders: its package does not change while the emulator runs."""
    global _modules
    if _modules is None:
        _modules = tuple(_moto_modules())
    return _modules


def method_names(cls):
    """A handler class's method names: the classes do not change while the emulator runs."""
    if cls not in _method_names:
        _method_names[cls] = tuple(_moto_method_names(cls))
    return list(_method_names[cls])


def install():
    DynamoType.size = value_size  # type: ignore[method-assign,assignment]
    Item.size = item_size  # type: ignore[method-assign,assignment]
    Item.__deepcopy__ = item_copy  # type: ignore[method-assign,assignment]
    backends.list_of_moto_modules = moto_modules  # type: ignore[assignment]
    responses.method_names_from_class = method_names
    if not hasattr(Table.query, "unwrapped"):
        Table.query = _sizes_kept(Table.query)  # type: ignore[method-assign]


def uninstall():
    DynamoType.size = _moto_value_size  # type: ignore[method-assign]
    Item.size = _moto_item_size  # type: ignore[method-assign]
    Item.__deepcopy__ = _moto_item_copy  # type: ignore[method-assign]
    backends.list_of_moto_modules = _moto_modules
    responses.method_names_from_class = _moto_method_names
    Table.query = getattr(Table.query, "unwrapped", Table.query)  # type: ignore[method-assign]
