"""The emulator's fast attribute serialization, item sizes and copies answer byte-for-byte
as moto does."""

import base64
import json

import pytest
from moto.core.serialize import BaseJSONSerializer
from moto.dynamodb import responses
from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.test import Client

from cloudshelf.localaws import fast_items, fast_serialize

AUTH = (
    "AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host, Signature=x"
)
KEY = [{"AttributeName": "h", "KeyType": "HASH"}, {"AttributeName": "r", "KeyType": "RANGE"}]
ITEMS = [
    {
        "h": {"S": "p"},
        "r": {"S": "plain"},
        "title": {"S": "Clean Code"},
        "price": {"N": "42.99"},
        "stock": {"N": "0"},
        "empty": {"S": ""},
        "quote": {"S": 'O\'Brien "and" ünïcødé ✓ \\ / \n'},
        "tags": {"SS": ["b", "a"]},
        "sizes": {"NS": ["1", "2.5"]},
        "flag": {"BOOL": False},
        "yes": {"BOOL": True},
        "nothing": {"NULL": True},
        "lines": {
            "L": [
                {"M": {"book_id": {"S": "tech-001"}, "quantity": {"N": "2"}}},
                {"L": []},
                {"M": {}},
                {"S": "x"},
            ]
        },
    },
    {
        "h": {"S": "p"},
        "r": {"S": "binary"},
        "blob": {"B": base64.b64encode(b"\x00\x01 bytes").decode()},
        "blobs": {"BS": [base64.b64encode(b"a").decode()]},
        "nested": {"M": {"inner": {"B": base64.b64encode(b"z").decode()}, "n": {"N": "1"}}},
    },
    *[{"h": {"S": "q"}, "r": {"S": f"{n:03d}"}, "v": {"N": str(n)}} for n in range(30)],
    # Three items of about 390 KB (two bytes a character): a Query of them stops at 1 MB.
    *[{"h": {"S": "big"}, "r": {"S": str(n)}, "text": {"S": "é" * 195_000}} for n in range(3)],
]
REQUESTS = [
    (
        "Query",
        {"KeyConditionExpression": "h = :h", "ExpressionAttributeValues": {":h": {"S": "p"}}},
    ),
    (
        "Query",
        {
            "KeyConditionExpression": "h = :h",
            "ExpressionAttributeValues": {":h": {"S": "q"}},
            "Limit": 24,
            "ReturnConsumedCapacity": "TOTAL",
        },
    ),
    (
        "Query",
        {
            "KeyConditionExpression": "h = :h AND r > :r",
            "ExpressionAttributeValues": {":h": {"S": "q"}, ":r": {"S": "010"}, ":v": {"N": "20"}},
            "FilterExpression": "v < :v",
            "ProjectionExpression": "r, v",
            "ScanIndexForward": False,
            "Limit": 5,
            "ExclusiveStartKey": {"h": {"S": "q"}, "r": {"S": "025"}},
        },
    ),
    (
        "Query",
        {"KeyConditionExpression": "h = :h", "ExpressionAttributeValues": {":h": {"S": "big"}}},
    ),
    ("Scan", {"Limit": 10}),
    ("GetItem", {"Key": {"h": {"S": "p"}, "r": {"S": "plain"}}}),
    ("GetItem", {"Key": {"h": {"S": "p"}, "r": {"S": "binary"}}}),
    ("GetItem", {"Key": {"h": {"S": "p"}, "r": {"S": "missing"}}}),
    (
        "UpdateItem",
        {
            "Key": {"h": {"S": "q"}, "r": {"S": "001"}},
            "UpdateExpression": "SET w = :w",
            "ExpressionAttributeValues": {":w": {"L": [{"N": "1"}, {"NULL": True}]}},
            "ReturnValues": "ALL_NEW",
        },
    ),
]


def _app():
    app = Client(DomainDispatcherApplication(create_backend_app))

    def call(operation, body):
        response = app.post(
            "/",
            data=json.dumps(body),
            headers={
                "X-Amz-Target": f"DynamoDB_20120810.{operation}",
                "Content-Type": "application/x-amz-json-1.0",
                "Authorization": AUTH,
            },
        )
        return response.status_code, response.get_data()

    return call


@pytest.fixture
def serializer_state():
    before = (
        BaseJSONSerializer._serialize_type_structure,
        BaseJSONSerializer._serialize_type_map,
        responses.dynamo_to_dict,
    )
    items_installed = hasattr(Table.query, "unwrapped")
    yield
    (fast_items.install if items_installed else fast_items.uninstall)()
    (
        BaseJSONSerializer._serialize_type_structure,
        BaseJSONSerializer._serialize_type_map,
        responses.dynamo_to_dict,
    ) = before


def _answers(table, install):
    for patch in (fast_serialize, fast_items):
        (patch.install if install else patch.uninstall)()
    call = _app()
    definitions = [{"AttributeName": n, "AttributeType": "S"} for n in ("h", "r")]
    call(
        "CreateTable",
        {
            "TableName": table,
            "KeySchema": KEY,
            "AttributeDefinitions": definitions,
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    for item in ITEMS:
        call("PutItem", {"TableName": table, "Item": item})
    answers = [call(op, {"TableName": table, **body}) for op, body in REQUESTS]
    batch = {"RequestItems": {table: {"Keys": [{"h": {"S": "p"}, "r": {"S": "plain"}}]}}}
    answers.append(call("BatchGetItem", batch))
    return answers


def test_every_kind_of_attribute_is_answered_as_moto_answers_it(serializer_state):
    moto = _answers("moto-own", install=False)
    fast = _answers("moto-fast", install=True)
    for (moto_status, moto_body), (fast_status, fast_body) in zip(moto, fast, strict=True):
        assert fast_status == moto_status == 200
        assert fast_body == moto_body.replace(b"moto-own", b"moto-fast")


def test_binary_and_odd_values_are_left_to_moto():
    for value in ({"B": "AAE="}, {"L": [None]}, {"S": 1}, {"S": "a", "N": "1"}, "S"):
        with pytest.raises(fast_serialize.NotPlain):
            fast_serialize.attribute_value(value)
