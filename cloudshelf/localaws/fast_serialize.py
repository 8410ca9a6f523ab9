"""Serialize DynamoDB's item attributes in the emulator without moto's generic walk.

moto 5.2 turns every response into JSON by walking botocore's service model: for each
attribute value it looks up all ten members of ``AttributeValue`` (S, N, B, SS, ...) under
every alias they might have. That walk was 85 % of the 20 ms of CPU the emulator took to
answer the category page's 24-item Query. An attribute value reaches the serializer as a
plain one-key dict (``{"S": "Clean Code"}``, ``{"M": {...}}``); this builds the very dict
moto's walk builds from it, for the kinds whose serialization is the identity (strings,
numbers, their sets, booleans, null, maps and lists of those), and leaves everything else
(binary values, anything not a one-key dict) to moto. The emulator's answers stay
byte-for-byte what moto answers (tests/unit/test_localaws_fast_serialize.py)."""

from moto.core.serialize import BaseJSONSerializer
from moto.dynamodb import responses
from moto.dynamodb.models.dynamo_type import DynamoType

_moto_structure = BaseJSONSerializer._serialize_type_structure
_moto_map = BaseJSONSerializer._serialize_type_map
_moto_to_dict = responses.dynamo_to_dict
_STRINGS = ("S", "N")
_STRING_SETS = ("SS", "NS")
_FLAGS = ("BOOL", "NULL")


class NotPlain(Exception):
    """A value moto's own walk must serialize."""


def attribute_value(value):
    """What moto's serializer makes of one ``AttributeValue`` (a one-key dict)."""
    if type(value) is not dict or len(value) != 1:
        raise NotPlain
    ((kind, inner),) = value.items()
    if kind in _STRINGS and type(inner) is str:
        return {kind: inner}
    if kind == "M" and type(inner) is dict:
        return {"M": {name: attribute_value(v) for name, v in inner.items() if v is not None}}
    if kind == "L" and type(inner) is list:
        return {"L": [attribute_value(v) for v in inner]}
    if kind in _STRING_SETS and type(inner) is list and all(type(v) is str for v in inner):
        return {kind: list(inner)}
    if kind in _FLAGS and type(inner) is bool:
        return {kind: inner}
    raise NotPlain


def _serialize_type_structure(self, serialized, value, shape, key):
    if key and shape.name == "AttributeValue":
        try:
            plain = attribute_value(value)
        except NotPlain:
            pass
        else:
            serialized[self.get_serialized_name(shape, key)] = plain
            return
    _moto_structure(self, serialized, value, shape, key)


def _serialize_type_map(self, serialized, value, shape, key):
    """An item (attribute names to values) in one go, rather than a call per attribute."""
    if shape.value.name == "AttributeValue" and type(value) is dict:
        try:
            plain = {name: attribute_value(v) for name, v in value.items()}
        except NotPlain:
            pass
        else:
            self._default_serialize(serialized, plain, shape, key)
            return
    _moto_map(self, serialized, value, shape, key)


def dynamo_to_dict(obj):
    """moto's ``dynamo_to_dict`` (its items' DynamoType values to one-key dicts, before the
    serializer sees them) without its chain of checks on every string and number."""
    kind = type(obj)
    if kind is DynamoType:
        value = obj.value
        if obj.type in _STRINGS or obj.type in _FLAGS:
            if type(value) is str or type(value) is bool:
                return {obj.type: value}
        elif obj.type == "M" and type(value) is dict:
            return {"M": {name: dynamo_to_dict(v) for name, v in value.items()}}
        elif obj.type == "L" and type(value) is list:
            return {"L": [dynamo_to_dict(v) for v in value]}
        elif (
            obj.type in _STRING_SETS and type(value) is list and all(type(v) is str for v in value)
        ):
            return {obj.type: list(value)}
    elif isinstance(obj, dict) and not hasattr(obj, "to_json"):
        return {name: dynamo_to_dict(v) for name, v in obj.items()}
    elif kind is list:
        return [dynamo_to_dict(v) for v in obj]
    elif kind is str or kind is int or obj is None:
        return obj
    return _moto_to_dict(obj)


def install():
    BaseJSONSerializer._serialize_type_structure = _serialize_type_structure  # type: ignore[method-assign]
    BaseJSONSerializer._serialize_type_map = _serialize_type_map  # type: ignore[method-assign]
    responses.dynamo_to_dict = dynamo_to_dict


def uninstall():
    BaseJSONSerializer._serialize_type_structure = _moto_structure  # type: ignore[method-assign]
    BaseJSONSerializer._serialize_type_map = _moto_map  # type: ignore[method-assign]
    responses.dynamo_to_dict = _moto_to_dict
