"""A plain partition Query is answered by the emulator's short way exactly as moto answers
it (status, headers and body, byte for byte); every other Query still reaches moto."""

import base64
import json

import pytest
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.test import EnvironBuilder

from cloudshelf.localaws import fast_query
from cloudshelf.localaws import server as emulator  # noqa: F401  (installs the emulator's patches)

APP = DomainDispatcherApplication(create_backend_app)
ACCOUNT = "111122223333"


def _environ(target, body, region="us-east-1", **headers):
    auth = (
        f"AWS4-HMAC-SHA256 Credential=x/20260101/{region}/dynamodb/aws4_request, "
        "SignedHeaders=host, Signature=x"
    )
    data = body if isinstance(body, bytes) else json.dumps(body)
    return EnvironBuilder(
        method="POST",
        path="/",
        data=data,
        headers={
            "X-Amz-Target": f"DynamoDB_20120810.{target}",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": auth,
            **headers,
        },
    ).get_environ()


def _moto(environ):
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers

    body = b"".join(APP(environ, start_response))
    return answer["status"], answer["headers"], body


def _call(target, body, region="us-east-1", **headers):
    status, _, answer = _moto(_environ(target, body, region, **headers))
    assert status.startswith("200"), answer
    return json.loads(answer)


def _table(name, hash_type="S", range_type="S", region="us-east-1", **headers):
    keys = [("h", "HASH", hash_type)] + ([("r", "RANGE", range_type)] if range_type else [])
    _call(
        "CreateTable",
        {
            "TableName": name,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": a, "KeyType": k} for a, k, _ in keys],
            "AttributeDefinitions": [{"AttributeName": a, "AttributeType": t} for a, _, t in keys],
        },
        region,
        **headers,
    )


def _put(table, item, region="us-east-1", **headers):
    _call("PutItem", {"TableName": table, "Item": item}, region, **headers)


RICH = {
    "title": {"S": 'O\'Brien "and" ünïcødé ✓ \\ / \n'},
    "price": {"N": "42.99"},
    "empty": {"S": ""},
    "tags": {"SS": ["b", "a"]},
    "sizes": {"NS": ["1", "2.5"]},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
    "lines": {"L": [{"M": {"book_id": {"S": "t-1"}, "q": {"N": "2"}}}, {"L": []}, {"M": {}}]},
}


@pytest.fixture(scope="module")
def tables():
    _table("fq-s")
    for n in range(40):
        _put("fq-s", {"h": {"S": "books"}, "r": {"S": f"{(n * 7) % 40:03d}"}, **RICH})
    _put("fq-s", {"h": {"S": "other"}, "r": {"S": "001"}})
    _put(
        "fq-s",
        {"h": {"S": "binary"}, "r": {"S": "1"}, "b": {"B": base64.b64encode(b"z").decode()}},
    )
    for n in range(3):  # about 390 KB each: a page of them stops at 1 MB
        _put("fq-s", {"h": {"S": "big"}, "r": {"S": str(n)}, "text": {"S": "é" * 195_000}})
    _table("fq-n", range_type="N")
    for number in ("10", "9", "-1.5", "100", "0", "2.50", "1e3"):
        _put("fq-n", {"h": {"S": "n"}, "r": {"N": number}})
    _table("fq-h", hash_type="N", range_type=None)
    _put("fq-h", {"h": {"N": "7"}, "v": {"S": "seven"}})
    _table("fq-eu", region="eu-west-1")
    _put("fq-eu", {"h": {"S": "eu"}, "r": {"S": "1"}}, region="eu-west-1")
    _table("fq-acct", **{"x-moto-account-id": ACCOUNT})
    _put("fq-acct", {"h": {"S": "a"}, "r": {"S": "1"}}, **{"x-moto-account-id": ACCOUNT})
    yield
    for name in ("fq-s", "fq-n", "fq-h"):
        _call("DeleteTable", {"TableName": name})
    _call("DeleteTable", {"TableName": "fq-eu"}, "eu-west-1")
    _call("DeleteTable", {"TableName": "fq-acct"}, **{"x-moto-account-id": ACCOUNT})


def _query(table, value, **options):
    kind = "N" if table == "fq-h" else "S"
    return {
        "TableName": table,
        "KeyConditionExpression": "#0 = :0",
        "ExpressionAttributeNames": {"#0": "h"},
        "ExpressionAttributeValues": {":0": {kind: value}},
        **options,
    }


TAKEN = {
    "whole partition": (_query("fq-s", "books"), {}),
    "page of 24 with capacity": (
        _query("fq-s", "books", Limit=24, ReturnConsumedCapacity="TOTAL"),
        {},
    ),
    "no capacity asked": (_query("fq-s", "books", Limit=3, ReturnConsumedCapacity="NONE"), {}),
    "backwards": (_query("fq-s", "books", Limit=5, ScanIndexForward=False), {}),
    "after a start key": (
        _query(
            "fq-s", "books", Limit=5, ExclusiveStartKey={"h": {"S": "books"}, "r": {"S": "011"}}
        ),
        {},
    ),
    "backwards after a start key": (
        _query(
            "fq-s",
            "books",
            ScanIndexForward=False,
            ExclusiveStartKey={"h": {"S": "books"}, "r": {"S": "011"}},
        ),
        {},
    ),
    "start key past the end": (
        _query("fq-s", "books", ExclusiveStartKey={"h": {"S": "books"}, "r": {"S": "zzz"}}),
        {},
    ),
    "limit exactly the partition": (_query("fq-s", "books", Limit=40), {}),
    "empty partition": (_query("fq-s", "nobody", Limit=24), {}),
    "consistent read": (_query("fq-s", "other", ConsistentRead=True), {}),
    "stops at one megabyte": (_query("fq-s", "big"), {}),
    "numeric range keys": (_query("fq-n", "n"), {}),
    "numeric range keys backwards": (_query("fq-n", "n", ScanIndexForward=False, Limit=4), {}),
    "hash key only": (_query("fq-h", "7"), {}),
    "another region": (_query("fq-eu", "eu"), {"region": "eu-west-1"}),
    "another account": (_query("fq-acct", "a"), {"x-moto-account-id": ACCOUNT}),
}


@pytest.mark.parametrize("name", TAKEN)
def test_a_plain_partition_query_is_answered_as_moto_answers_it(tables, name):
    body, headers = TAKEN[name]
    fast = fast_query.answer(_environ("Query", body, **headers))
    assert fast is not None, "the short way did not take this Query"
    moto = _moto(_environ("Query", body, **headers))
    assert fast[0] == moto[0]
    assert fast[2] == moto[2]

    def comparable(answer_headers):
        kept = {k.lower(): v for k, v in answer_headers if k.lower() != "x-amzn-requestid"}
        ids = [v for k, v in answer_headers if k.lower() == "x-amzn-requestid"]
        return kept, [len(v) for v in ids]

    assert comparable(fast[1]) == comparable(moto[1])


LEFT_TO_MOTO = {
    "an index": _query("fq-s", "books", IndexName="by-title"),
    "a filter": {
        **_query("fq-s", "books"),
        "FilterExpression": "price > :1",
        "ExpressionAttributeValues": {":0": {"S": "books"}, ":1": {"N": "1"}},
    },
    "a projection": _query("fq-s", "books", ProjectionExpression="title"),
    "a range condition": {
        **_query("fq-s", "books"),
        "KeyConditionExpression": "#0 = :0 AND r > :1",
        "ExpressionAttributeValues": {":0": {"S": "books"}, ":1": {"S": "010"}},
    },
    "a select": _query("fq-s", "books", Select="COUNT"),
    "capacity by index": _query("fq-s", "books", ReturnConsumedCapacity="INDEXES"),
    "a name without placeholder": {
        "TableName": "fq-s",
        "KeyConditionExpression": "h = :0",
        "ExpressionAttributeValues": {":0": {"S": "books"}},
    },
    "a name not used": {
        **_query("fq-s", "books"),
        "ExpressionAttributeNames": {"#0": "h", "#1": "x"},
    },
    "a value not used": {
        **_query("fq-s", "books"),
        "ExpressionAttributeValues": {":0": {"S": "books"}, ":1": {"S": "x"}},
    },
    "not the hash key": {**_query("fq-s", "books"), "ExpressionAttributeNames": {"#0": "r"}},
    "the wrong key type": {
        **_query("fq-s", "books"),
        "ExpressionAttributeValues": {":0": {"N": "1"}},
    },
    "an empty key value": _query("fq-s", ""),
    "a missing table": _query("fq-missing", "books"),
    "a binary value in the answer": _query("fq-s", "binary"),
    "a zero limit": _query("fq-s", "books", Limit=0),
    "a start key of another partition": _query(
        "fq-s", "books", ExclusiveStartKey={"h": {"S": "other"}, "r": {"S": "001"}}
    ),
    "a start key without its range key": _query(
        "fq-s", "books", ExclusiveStartKey={"h": {"S": "books"}}
    ),
    "a legacy key condition": {
        "TableName": "fq-s",
        "KeyConditions": {
            "h": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "books"}]}
        },
    },
}


@pytest.mark.parametrize("name", LEFT_TO_MOTO)
def test_any_other_query_is_left_to_moto(tables, name):
    environ = _environ("Query", LEFT_TO_MOTO[name])
    assert fast_query.answer(environ) is None
    # The body is put back for moto to read.
    assert json.loads(environ["wsgi.input"].read()) == LEFT_TO_MOTO[name]


def test_requests_that_are_not_a_query_or_not_json_are_left_to_moto(tables):
    assert fast_query.answer(_environ("GetItem", {"TableName": "fq-s"})) is None
    assert fast_query.answer(_environ("Query", b"{not json")) is None
    assert fast_query.answer(_environ("Query", b'["a list"]')) is None
    gzipped = _environ("Query", _query("fq-s", "books"), **{"Content-Encoding": "gzip"})
    assert fast_query.answer(gzipped) is None
