"""The emulator's Query reads one partition and answers exactly as moto's own Query."""

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models.table import Table

from cloudshelf.localaws import partition_query


@pytest.fixture
def dynamodb():
    with mock_aws():
        client = boto3.client(
            "dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        client.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[
                {"AttributeName": "h", "KeyType": "HASH"},
                {"AttributeName": "r", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "h", "AttributeType": "S"},
                {"AttributeName": "r", "AttributeType": "S"},
            ],
        )
        for n in range(60):
            client.put_item(
                TableName="t",
                Item={
                    "h": {"S": f"p{n % 3}"},
                    "r": {"S": f"{(n * 7) % 60:03d}"},
                    "v": {"N": str(n)},
                },
            )
        yield client


QUERIES = [
    {"KeyConditionExpression": "h = :h", "ExpressionAttributeValues": {":h": {"S": "p1"}}},
    {
        "KeyConditionExpression": "h = :h",
        "ExpressionAttributeValues": {":h": {"S": "p2"}},
        "Limit": 5,
        "ExclusiveStartKey": {"h": {"S": "p2"}, "r": {"S": "011"}},
    },
    {
        "KeyConditionExpression": "h = :h AND begins_with(r, :r)",
        "ExpressionAttributeValues": {":h": {"S": "p0"}, ":r": {"S": "0"}},
        "ScanIndexForward": False,
        "Limit": 4,
    },
    {"KeyConditionExpression": "h = :h", "ExpressionAttributeValues": {":h": {"S": "none"}}},
]


@pytest.mark.parametrize("query", QUERIES)
def test_partition_query_answers_as_moto_does(dynamodb, query, monkeypatch):
    monkeypatch.setattr(Table, "query", partition_query._moto_query)
    expected = dynamodb.query(TableName="t", **query)
    partition_query.install()
    answered = dynamodb.query(TableName="t", **query)
    for key in ("Items", "Count", "ScannedCount", "LastEvaluatedKey"):
        assert answered.get(key) == expected.get(key)


def test_partition_query_does_not_read_other_partitions(dynamodb, monkeypatch):
    partition_query.install()
    monkeypatch.setattr(Table, "all_items", lambda self: pytest.fail("read the whole table"))
    items = dynamodb.query(
        TableName="t",
        KeyConditionExpression="h = :h",
        ExpressionAttributeValues={":h": {"S": "p1"}},
    )["Items"]
    assert len(items) == 20
