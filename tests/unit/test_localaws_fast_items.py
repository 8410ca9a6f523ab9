"""The emulator's item sizes are moto's own, its copies are equal to the item and
independent of it, and its cached lookups give what moto's give."""

import copy

import pytest
from moto.backends import list_of_moto_modules
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.responses import DynamoHandler

from cloudshelf.localaws import fast_items

ATTRIBUTES = {
    "h": {"S": "key"},
    "r": {"N": "7"},
    "text": {"S": "plain"},
    "unicode": {"S": "ünïcødé ✓"},
    "empty": {"S": ""},
    "price": {"N": "42.99"},
    "tags": {"SS": ["b", "a"]},
    "sizes": {"NS": ["1", "2.5"]},
    "blob": {"B": "AAE="},
    "blobs": {"BS": ["YQ==", "Yg=="]},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
    "lines": {"L": [{"M": {"book_id": {"S": "tech-001"}, "n": {"N": "2"}}}, {"L": []}]},
    "map": {"M": {"ключ": {"S": "значение"}, "inner": {"M": {"x": {"BOOL": True}}}}},
}


def _item():
    return Item(DynamoType({"S": "key"}), DynamoType({"N": "7"}), ATTRIBUTES)


@pytest.mark.parametrize("name", sorted(ATTRIBUTES))
def test_every_kind_of_value_is_sized_as_moto_sizes_it(name):
    value = DynamoType(ATTRIBUTES[name])
    assert fast_items.value_size(value) == fast_items._moto_value_size(value)


def test_an_item_is_sized_as_moto_sizes_it():
    item = _item()
    assert fast_items.item_size(item) == fast_items._moto_item_size(item) > 0


def test_a_copy_is_equal_to_the_item_and_shares_nothing_mutable():
    item = _item()
    copied = fast_items.item_copy(item, {})
    assert copied == item and copied.to_json() == item.to_json()
    assert copied.hash_key == item.hash_key and copied.range_key == item.range_key
    copied.attrs["lines"].value[0].value["n"] = DynamoType({"N": "3"})
    copied.attrs["tags"].value.append("c")
    copied.attrs["map"].value["inner"].value["x"] = DynamoType({"BOOL": False})
    assert item.to_json() == _item().to_json()


def test_copy_deepcopy_of_items_uses_the_fast_copy_and_gives_the_same_items():
    fast_items.install()
    try:
        items = [_item(), _item()]
        assert copy.deepcopy(items) == items
    finally:
        fast_items.uninstall()


def test_a_value_moto_must_copy_itself_goes_to_moto():
    item = _item()
    item.attrs["odd"] = "not a DynamoType"
    copied = fast_items.item_copy(item, {})
    assert copied.attrs["odd"] == "not a DynamoType" and copied == item


def test_the_cached_lookups_answer_as_moto_does():
    assert list(fast_items.moto_modules()) == list(list_of_moto_modules())
    names = fast_items.method_names(DynamoHandler)
    assert names == fast_items._moto_method_names(DynamoHandler) and "query" in names
