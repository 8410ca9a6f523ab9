"""The emulator's saved store: a write dumps again only the tables it names, and the text
saved is the whole store, as a full dump would write it."""

import json

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from cloudshelf.localaws.snapshot import EVERYTHING, SavedStore, written_tables

KWARGS = {"region_name": "us-east-1", "aws_access_key_id": "x", "aws_secret_access_key": "x"}


def _body(**request):
    return json.dumps(request).encode()


def test_a_put_names_its_table():
    assert written_tables(_body(TableName="books", Item={})) == {"books"}


def test_a_batch_write_names_every_table_it_writes():
    body = _body(RequestItems={"books": [], "orders": []})
    assert written_tables(body) == {"books", "orders"}


def test_a_transaction_names_every_table_its_actions_touch():
    body = _body(
        TransactItems=[
            {"Put": {"TableName": "orders", "Item": {}}},
            {"Update": {"TableName": "books", "Key": {}}},
            {"ConditionCheck": {"TableName": "carts", "Key": {}}},
        ]
    )
    assert written_tables(body) == {"orders", "books", "carts"}


@pytest.mark.parametrize("body", [_body(Statement="DELETE FROM books"), b"not json"])
def test_a_write_that_names_no_table_means_everything(body):
    assert written_tables(body) is EVERYTHING


@pytest.fixture
def store():
    with mock_aws():
        dynamodb, s3 = boto3.client("dynamodb", **KWARGS), boto3.client("s3", **KWARGS)
        for name in ("books", "orders"):
            dynamodb.create_table(
                TableName=name,
                BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            )
            dynamodb.put_item(TableName=name, Item={"id": {"S": "1"}, "n": {"N": "1"}})
        s3.create_bucket(Bucket="covers")
        s3.put_object(Bucket="covers", Key="a.jpg", Body=b"first")
        yield dynamodb, s3


def _save(saved, s3):
    tables = list(dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables.values())
    return json.loads(saved.text(*saved.collect(tables, lambda: s3)))


def _items(snapshot):
    return {t["TableName"]: [i["n"]["N"] for i in t["Items"]] for t in snapshot["dynamodb"]}


def test_the_first_save_holds_every_table_and_object(store):
    _, s3 = store
    snapshot = _save(SavedStore(), s3)
    assert _items(snapshot) == {"books": ["1"], "orders": ["1"]}
    assert [o["Key"] for o in snapshot["s3"][0]["Objects"]] == ["a.jpg"]


def test_a_save_dumps_again_only_the_tables_noted_as_written(store):
    dynamodb, s3 = store
    saved = SavedStore()
    _save(saved, s3)
    for name in ("books", "orders"):
        dynamodb.put_item(TableName=name, Item={"id": {"S": "1"}, "n": {"N": "2"}})
    saved.tables_written({"books"})
    assert _items(_save(saved, s3)) == {"books": ["2"], "orders": ["1"]}
    saved.everything_written()
    assert _items(_save(saved, s3)) == {"books": ["2"], "orders": ["2"]}


def test_a_changed_object_is_read_again_once_s3_is_noted_as_written(store):
    _, s3 = store
    saved = SavedStore()
    _save(saved, s3)
    s3.put_object(Bucket="covers", Key="a.jpg", Body=b"second")
    s3.put_object(Bucket="covers", Key="b.jpg", Body=b"new")
    saved.s3_written()
    objects = _save(saved, s3)["s3"][0]["Objects"]
    assert {o["Key"]: o["Body"] for o in objects} == {"a.jpg": "c2Vjb25k", "b.jpg": "bmV3"}


def test_nothing_noted_means_nothing_to_save(store):
    _, s3 = store
    saved = SavedStore()
    assert saved.changed
    _save(saved, s3)
    assert not saved.changed
    saved.tables_written({"books"})
    assert saved.changed
