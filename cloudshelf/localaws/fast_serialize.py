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

_moto_structure = BaseJSONSerializer._serialize_type_structure
_STRINGS = ("S", "N")
_STRING_SETS = ("SS", "NS")
_FLAGS = ("BOOL", "NULL")


class _NotPlain(Exception):
    """A value moto's own walk must serialize."""


def attribute_value(value):
    """What moto's serializer makes of one ``AttributeValue`` (a one-key dict)."""
    if type(value) is not dict or len(value) != 1:
        raise _NotPlain
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
    raise _NotPlain


def _serialize_type_structure(self, serialized, value, shape, key):
    if key and shape.name == "AttributeValue":
        try:
            plain = attribute_value(value)
        except _NotPlain:
            pass
        else:
            serialized[self.get_serialized_name(shape, key)] = plain
            return
    _moto_structure(self, serialized, value, shape, key)


def install():
    BaseJSONSerializer._serialize_type_structure = _serialize_type_structure  # type: ignore[method-assign]


def uninstall():
    BaseJSONSerializer._serialize_type_structure = _moto_structure  # type: ignore[method-assign]
