"""botocore's JSON parser for DynamoDB with a short way through ``AttributeValue``.

botocore parses every attribute of every item by walking the service model: for each
value it looks up all ten members of ``AttributeValue`` and calls a handler per member,
about a fifth of a category page's CPU (24 items). Here a value holding one string,
number, boolean, null, string or number set, list or map is rebuilt directly, giving the
very dict botocore gives; anything else (binary values, which botocore base64-decodes,
unknown or several keys, a wrong type) goes through botocore's own code.
``tests/unit/test_dynamo_parse.py`` compares the two on every kind of attribute."""

from botocore.parsers import PROTOCOL_PARSERS, ResponseParserFactory

_SCALARS = {"S": str, "N": str, "BOOL": bool, "NULL": bool}
_SETS = ("SS", "NS")
_JSON = PROTOCOL_PARSERS["json"]


_SLOW = object()


def _fast(value):
    """The parsed ``AttributeValue``, or ``_SLOW`` for botocore to parse."""
    if type(value) is not dict or len(value) != 1:
        return _SLOW
    ((key, raw),) = value.items()
    kind = _SCALARS.get(key)
    if kind is not None:
        return {key: raw} if type(raw) is kind else _SLOW
    if key == "M" and type(raw) is dict:
        members = {}
        for name, member in raw.items():
            parsed = None if member is None else _fast(member)
            if parsed is _SLOW:
                return _SLOW
            members[name] = parsed
        return {key: members}
    if key == "L" and type(raw) is list:
        items = []
        for item in raw:
            parsed = None if item is None else _fast(item)
            if parsed is _SLOW:
                return _SLOW
            items.append(parsed)
        return {key: items}
    if key in _SETS and type(raw) is list and all(type(v) is str for v in raw):
        return {key: list(raw)}
    return _SLOW


class DynamoJSONParser(_JSON):  # type: ignore[misc,valid-type]
    def _handle_structure(self, shape, value):
        if shape.name == "AttributeValue":
            parsed = _fast(value)
            if parsed is not _SLOW:
                return parsed
        return super()._handle_structure(shape, value)

    def _handle_map(self, shape, value):
        """An item (attribute names to values) without a handler call per attribute."""
        value_shape = shape.value
        if value_shape.name != "AttributeValue" or type(value) is not dict:
            return super()._handle_map(shape, value)
        parsed = {}
        for name, raw in value.items():
            fast = _fast(raw)
            parsed[name] = self._parse_shape(value_shape, raw) if fast is _SLOW else fast
        return parsed


class DynamoParserFactory(ResponseParserFactory):
    """botocore's factory, making :class:`DynamoJSONParser` for the JSON protocol."""

    def create_parser(self, protocol_name):
        if protocol_name == "json":
            return DynamoJSONParser(**self._defaults)
        return super().create_parser(protocol_name)
