"""The emulator's TransactWriteItems answers and cancels exactly as moto's own, without
copying whole tables: a cancelled transaction leaves its items and its stream as they were."""

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.table import Table

from cloudshelf.localaws import transact_undo

MOTO_OWN = transact_undo._moto_transact_write_items


def _table(client, name, *, range_key):
    keys = [{"AttributeName": "h", "KeyType": "HASH"}]
    attrs = [{"AttributeName": "h", "AttributeType": "S"}]
    if range_key:
        keys.append({"AttributeName": "r", "KeyType": "RANGE"})
        attrs.append({"AttributeName": "r", "AttributeType": "S"})
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=keys,
        AttributeDefinitions=attrs,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )


def _store():
    kwargs = {"region_name": "us-east-1", "aws_access_key_id": "x", "aws_secret_access_key": "x"}
    client = boto3.client("dynamodb", **kwargs)
    _table(client, "pairs", range_key=True)
    _table(client, "singles", range_key=False)
    client.put_item(TableName="pairs", Item={"h": {"S": "a"}, "r": {"S": "1"}, "n": {"N": "5"}})
    client.put_item(TableName="singles", Item={"h": {"S": "s"}, "n": {"N": "1"}})
    return client


@pytest.fixture
def clients():
    with mock_aws():
        yield _store()


def _state(client):
    return {
        name: sorted(
            (item for item in client.scan(TableName=name)["Items"]), key=lambda i: repr(sorted(i))
        )
        for name in ("pairs", "singles")
    }


def _backend_table(name):
    return dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables[name]


def _stream_records(name):
    return len(_backend_table(name).stream_shard.items)


CANCELLED = [  # a new item, an update and a delete, then a condition that fails
    {"Put": {"TableName": "pairs", "Item": {"h": {"S": "a"}, "r": {"S": "2"}}}},
    {
        "Update": {
            "TableName": "pairs",
            "Key": {"h": {"S": "a"}, "r": {"S": "1"}},
            "UpdateExpression": "SET n = n + :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    },
    {"Delete": {"TableName": "singles", "Key": {"h": {"S": "s"}}}},
    {
        "ConditionCheck": {
            "TableName": "singles",
            "Key": {"h": {"S": "missing"}},
            "ConditionExpression": "attribute_exists(h)",
        }
    },
]
SAME_KEY_TWICE = [
    {"Put": {"TableName": "singles", "Item": {"h": {"S": "new"}}}},
    {"Delete": {"TableName": "singles", "Key": {"h": {"S": "new"}}}},
]
SUCCEEDS = CANCELLED[:3] + [{"Put": {"TableName": "singles", "Item": {"h": {"S": "t"}}}}]


def _outcome(client, items):
    try:
        client.transact_write_items(TransactItems=items)
        error = None
    except ClientError as failure:
        error = (failure.response["Error"]["Code"], failure.response.get("CancellationReasons"))
    records = {n: _stream_records(n) for n in ("pairs", "singles")}
    return error, _state(client), records


@pytest.mark.parametrize(
    "items", [CANCELLED, SAME_KEY_TWICE, SUCCEEDS], ids=["cancelled", "same-key", "ok"]
)
def test_transaction_answers_and_leaves_what_moto_leaves(items, monkeypatch):
    outcomes = []
    for implementation in (transact_undo._transact_write_items, MOTO_OWN):
        monkeypatch.setattr(DynamoDBBackend, "transact_write_items", implementation)
        with mock_aws():
            outcomes.append(_outcome(_store(), items))
    ours, theirs = outcomes
    assert ours == theirs


def test_cancelled_transaction_writes_no_stream_record_and_restores_items(clients, monkeypatch):
    client = clients
    monkeypatch.setattr(
        DynamoDBBackend, "transact_write_items", transact_undo._transact_write_items
    )
    before = _state(client)
    with pytest.raises(ClientError, match="TransactionCanceled"):
        client.transact_write_items(TransactItems=CANCELLED)
    assert _state(client) == before
    assert [_stream_records(n) for n in ("pairs", "singles")] == [1, 1]


def test_transaction_never_copies_a_whole_table(clients, monkeypatch):
    client = clients
    monkeypatch.setattr(
        DynamoDBBackend, "transact_write_items", transact_undo._transact_write_items
    )

    def refuse(self, memo):
        raise AssertionError("a whole table was copied")

    monkeypatch.setattr(Table, "__deepcopy__", refuse, raising=False)
    client.transact_write_items(TransactItems=SUCCEEDS)
    with pytest.raises(ClientError, match="TransactionCanceled"):
        client.transact_write_items(TransactItems=CANCELLED)


def test_cancelled_transaction_keeps_the_table_that_open_stream_readers_read(clients, monkeypatch):
    client = clients
    monkeypatch.setattr(
        DynamoDBBackend, "transact_write_items", transact_undo._transact_write_items
    )
    shard = _backend_table("singles").stream_shard
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=CANCELLED)
    client.put_item(TableName="singles", Item={"h": {"S": "after"}})
    assert _backend_table("singles").stream_shard is shard
    assert shard.items[-1].to_json()["dynamodb"]["Keys"] == {"h": {"S": "after"}}
