"""A Query of one partition by its hash key alone, answered without moto's dispatch.

That is the Query PynamoDB sends for ``Model.query(hash_key, limit=..., ...)``, the
category page's one request. moto answers it through Flask, a handler whose set-up parses
the request again against botocore's service model, a parser of the key condition, and a
serializer that walks the service model for every value: about 6 ms of the emulator's
CPU for 24 books, of which reading the partition is a fifth. Here the partition is read
as moto's ``Table.query`` reads it (its order, its start-key test, its limits) and the
answer written as moto would write it: the same JSON, the same headers (its request id
and CRC32 from moto's own functions), region and account worked out by moto's own
handler methods.

Only the plainest shape is taken: ``#name = :value`` on the table's hash key (no index,
filter, projection, range condition or Select), a limit, a start key, a direction,
``ReturnConsumedCapacity`` of NONE or TOTAL, and items of strings, numbers, their sets,
booleans, nulls, maps and lists. Anything else, or a table that does not exist, goes to
moto as before. tests/unit/test_localaws_fast_query.py compares every answer taken here
with moto's, byte for byte, and checks that every other shape still reaches moto."""

import io
import json
import math
import re
from collections import OrderedDict
from urllib.parse import parse_qsl

from moto import settings
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT
from moto.dynamodb.responses import DynamoHandler
from moto.iam.models import mark_account_as_visited
from moto.moto_api import recorder
from moto.utilities.aws_headers import gen_amz_crc32, gen_amzn_requestid_long
from werkzeug.datastructures import EnvironHeaders
from werkzeug.wsgi import get_current_url

from cloudshelf.localaws.fast_serialize import NotPlain, attribute_value, dynamo_to_dict

TARGET = "DynamoDB_20120810.Query"
CONTENT_TYPE = "application/x-amz-json-1.0"
TAKEN = {
    "TableName",
    "KeyConditionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "Limit",
    "ExclusiveStartKey",
    "ScanIndexForward",
    "ConsistentRead",
    "ReturnConsumedCapacity",
}
_HASH_EQUALS = re.compile(r"\s*(#[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)\s*")
_KEY_TYPES = ("S", "N")


class _MotoAnswers(Exception):
    """Not the plain shape: moto answers this request."""


def _check(condition):
    if not condition:
        raise _MotoAnswers


def answer(environ):
    """``(status, headers, body)`` for a plain partition Query, or None: moto's to answer.
    The request body is put back for moto either way."""
    if environ.get("HTTP_X_AMZ_TARGET") != TARGET or environ.get("CONTENT_TYPE") != CONTENT_TYPE:
        return None
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    if (
        settings.PRETTIFY_RESPONSES
        or not math.isinf(settings.INITIAL_NO_AUTH_ACTION_COUNT)
        or recorder._user_enabled
        or "gzip" in environ.get("HTTP_CONTENT_ENCODING", "")
    ):
        return None
    try:
        return _answer(environ, raw)
    except (_MotoAnswers, NotPlain, ValueError):
        return None


def _handler(environ, text):
    """moto's handler with what its region and account methods read, as its set-up sets it."""
    handler = DynamoHandler()
    handler.headers = EnvironHeaders(environ)
    handler.querystring = OrderedDict((key, [value]) for key, value in parse_qsl(text, True))
    if not handler.querystring:
        handler.querystring.update(handler.headers)
    handler.region = handler.get_region_from_url(handler, get_current_url(environ))
    handler.access_key = handler.get_access_key()
    handler.current_account = handler.get_current_account()
    return handler


def _answer(environ, raw):
    text = raw.decode("utf-8")
    body = json.loads(text)
    _check(type(body) is dict and set(body) <= TAKEN)
    handler = _handler(environ, text)
    backend = dynamodb_backends[handler.current_account][handler.region]
    name = body.get("TableName")
    _check(type(name) is str and name in backend.tables)
    table = backend.tables[name]
    hash_name, hash_value = _hash_condition(body, table)
    limit = body.get("Limit")
    _check(limit is None or (type(limit) is int and limit >= 1))
    forward = body.get("ScanIndexForward", True)
    consistent = body.get("ConsistentRead", False)
    _check(type(forward) is bool and type(consistent) is bool)
    capacity = body.get("ReturnConsumedCapacity", "NONE")
    _check(capacity in ("NONE", "TOTAL"))
    start_key = body.get("ExclusiveStartKey")
    _check(start_key is None or _is_start_key(start_key, table, hash_value))

    mark_account_as_visited(
        account_id=handler.current_account,
        access_key=handler.access_key,
        service=handler.service_name,
        region=handler.region,
    )
    items, last_key = _partition_page(table, hash_value, limit, start_key, forward)
    # The members in the order of botocore's QueryOutput shape, as moto's serializer writes.
    result = {
        "Items": [_plain(item.attrs) for item in items],
        "Count": len(items),
        "ScannedCount": len(items),
    }
    if last_key is not None:
        result["LastEvaluatedKey"] = _plain(last_key)
    if capacity == "TOTAL":
        result["ConsumedCapacity"] = {"TableName": name, "CapacityUnits": 1.0}
    encoded = json.dumps(result).encode("utf-8")
    headers = {"Content-Type": CONTENT_TYPE, "server": "amazon.com"}
    gen_amzn_requestid_long(headers)
    gen_amz_crc32(encoded, headers)
    headers["Content-Length"] = str(len(encoded))
    headers["Access-Control-Allow-Origin"] = "*"
    return "200 OK", list(headers.items()), encoded


def _partition_page(table, hash_value, limit, start_key, forward):
    """What moto's ``Table.query`` returns for this Query, but for its deep copy of the
    items (only read here): the partition in moto's order (its range keys' ``cast_value``,
    which its comparisons use), after the start key by moto's own test, up to the limit or
    1 MB of items."""
    stored = table.items.get(DynamoType(hash_value))
    if not stored:
        partition = []
    elif table.range_key_attr:
        partition = sorted(stored.values(), key=lambda item: item.range_key.cast_value)
    else:
        partition = [stored]
    if not forward:
        partition.reverse()
    keys = ([table.hash_key_attr], [table.range_key_attr])
    position = 0
    if start_key is not None:
        while position < len(partition) and table._item_comes_before_dct(
            partition[position], start_key, *keys, forward
        ):
            position += 1
    items, size = [], 0
    for item in partition[position:]:
        if len(items) == limit or size + item.size() > RESULT_SIZE_LIMIT:
            return items, table._get_last_evaluated_key(items[-1], None)
        items.append(item)
        size += item.size()
    return items, None


def _hash_condition(body, table):
    """The hash key's name and asked value of ``#name = :value``, the only names and values."""
    match = _HASH_EQUALS.fullmatch(body.get("KeyConditionExpression") or "")
    _check(match)
    placeholder, value_name = match.groups()
    names, values = body.get("ExpressionAttributeNames"), body.get("ExpressionAttributeValues")
    _check(type(names) is dict and names.keys() == {placeholder})
    _check(type(values) is dict and values.keys() == {value_name})
    attribute, value = names[placeholder], values[value_name]
    _check(attribute == table.hash_key_attr and _is_key_value(value, table.hash_key_type))
    return attribute, value


def _is_key_value(value, kind):
    return (
        kind in _KEY_TYPES
        and type(value) is dict
        and value.keys() == {kind}
        and type(value[kind]) is str
        and value[kind] != ""
    )


def _is_start_key(start_key, table, hash_value):
    keys = {table.hash_key_attr: table.hash_key_type}
    if table.range_key_attr:
        keys[table.range_key_attr] = table.range_key_type
    return (
        type(start_key) is dict
        and start_key.keys() == keys.keys()
        and start_key[table.hash_key_attr] == hash_value
        and all(_is_key_value(start_key[name], kind) for name, kind in keys.items())
    )


def _plain(attributes):
    """An item's (or key's) attributes as moto's serializer writes them; NotPlain otherwise."""
    return {name: attribute_value(dynamo_to_dict(value)) for name, value in attributes.items()}
