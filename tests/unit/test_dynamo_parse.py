"""The DynamoDB client's parser (cloudshelf/dynamo_parse.py) gives exactly what botocore's
own JSON parser gives, for every kind of attribute and for what it leaves to botocore."""

import json

import pytest
from botocore.parsers import PROTOCOL_PARSERS
from botocore.session import get_session

from cloudshelf.dynamo import connection
from cloudshelf.dynamo_parse import DynamoJSONParser, DynamoParserFactory

MODEL = get_session().get_service_model("dynamodb")

EVERY_KIND = {
    "pk": {"S": "Kids & Teens"},
    "empty": {"S": ""},
    "unicode": {"S": "Ünïcödé “quoted” \u2028"},
    "price": {"N": "12.50"},
    "big": {"N": "123456789012345678901234567890"},
    "yes": {"BOOL": True},
    "no": {"BOOL": False},
    "nothing": {"NULL": True},
    "tags": {"SS": ["a", "b", ""]},
    "counts": {"NS": ["1", "2.5"]},
    "blob": {"B": "aGVsbG8="},
    "blobs": {"BS": ["aGVsbG8=", "d29ybGQ="]},
    "nested": {
        "M": {
            "entries": {"L": [{"M": {"t": {"S": "x"}, "n": {"N": "1"}}}, {"B": "AA=="}, None]},
            "deeper": {"M": {"z": {"NULL": True}, "s": {"SS": ["q"]}}},
            "none": None,
        }
    },
    "empty_list": {"L": []},
    "empty_map": {"M": {}},
    "unknown": {"X": "what"},
    "two_keys": {"S": "a", "N": "1"},
    "wrong_type": {"S": 5},
    "null_string": {"S": None},
    "mixed_set": {"SS": ["a", 1]},
    "no_key": {},
}

RESPONSES = {
    "Query": {
        "Items": [EVERY_KIND, {"pk": {"S": "b"}}],
        "Count": 2,
        "ScannedCount": 2,
        "LastEvaluatedKey": {"pk": {"S": "b"}},
        "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 1.5},
    },
    "Scan": {"Items": [EVERY_KIND], "Count": 1, "ScannedCount": 3},
    "GetItem": {"Item": EVERY_KIND},
    "UpdateItem": {"Attributes": EVERY_KIND},
    "BatchGetItem": {
        "Responses": {"books": [EVERY_KIND], "ratings": []},
        "UnprocessedKeys": {"books": {"Keys": [{"pk": {"S": "x"}}], "ProjectionExpression": "a"}},
    },
    "TransactGetItems": {"Responses": [{"Item": EVERY_KIND}, {}]},
}


def parse(parser, operation, body, status=200):
    response = {
        "body": json.dumps(body).encode(),
        "headers": {"x-amzn-requestid": "r-1", "content-type": "application/x-amz-json-1.0"},
        "status_code": status,
    }
    return parser.parse(response, MODEL.operation_model(operation).output_shape)


@pytest.mark.parametrize("operation", RESPONSES)
def test_answers_parse_exactly_as_botocore_parses_them(operation):
    ours = parse(DynamoJSONParser(), operation, RESPONSES[operation])
    theirs = parse(PROTOCOL_PARSERS["json"](), operation, RESPONSES[operation])
    assert ours == theirs
    assert repr(ours) == repr(theirs)  # the same types and order too (bytes, bools, lists)


def test_binary_values_are_still_decoded_by_botocore():
    item = parse(DynamoJSONParser(), "GetItem", {"Item": EVERY_KIND})["Item"]
    assert item["blob"] == {"B": b"hello"}
    assert item["nested"]["M"]["entries"]["L"][1] == {"B": b"\x00"}


@pytest.mark.parametrize("value", [{"M": "nope"}, {"L": "nope"}, {"M": {"a": "nope"}}])
def test_malformed_values_fail_as_in_botocore(value):
    with pytest.raises(Exception) as theirs:
        parse(PROTOCOL_PARSERS["json"](), "GetItem", {"Item": {"a": value}})
    with pytest.raises(theirs.type):
        parse(DynamoJSONParser(), "GetItem", {"Item": {"a": value}})


def test_errors_parse_exactly_as_botocore_parses_them():
    body = {
        "__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        "message": "The conditional request failed",
        "Item": {"pk": {"S": "x"}},
    }
    ours = parse(DynamoJSONParser(), "PutItem", body, status=400)
    theirs = parse(PROTOCOL_PARSERS["json"](), "PutItem", body, status=400)
    assert repr(ours) == repr(theirs)


def test_the_sites_client_parses_with_it():
    factory = connection().client._endpoint._response_parser_factory
    assert isinstance(factory, DynamoParserFactory)
    assert isinstance(factory.create_parser("json"), DynamoJSONParser)
