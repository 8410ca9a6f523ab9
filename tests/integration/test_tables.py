"""The tables match the seed document, key for key, and the commands are idempotent."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cloudshelf.dynamo import connection
from store.catalog.models import Book

# The CreateTable requests of the seed document (../shared/seed), as it gives them.
SEED_TABLES = Path(__file__).resolve().parents[1] / "fixtures" / "seed_tables.json"


def describe(name):
    return connection().client.describe_table(TableName=name)["Table"]


def seed_table_specs():
    """The seed document's CreateTable requests, by table name."""
    return json.loads(SEED_TABLES.read_text())


def _key(name, kind):
    return {"AttributeName": name, "KeyType": kind}


def _attr(name):
    return {"AttributeName": name, "AttributeType": "S"}


# The seed document's CreateTable definitions (checked against the document itself below).
SEED_SCHEMAS = {
    "cloudshelf-books": {
        "KeySchema": [_key("category", "HASH"), _key("book_id", "RANGE")],
        "AttributeDefinitions": [_attr("category"), _attr("book_id"), _attr("title")],
        "GlobalSecondaryIndexes": [
            {"IndexName": "TitleSearchIndex", "KeySchema": [_key("title", "HASH")]}
        ],
    },
    "cloudshelf-carts": {
        "KeySchema": [_key("user_id", "HASH"), _key("cart_id", "RANGE")],
        "AttributeDefinitions": [_attr("user_id"), _attr("cart_id")],
    },
    "cloudshelf-users": {
        "KeySchema": [_key("user_id", "HASH")],
        "AttributeDefinitions": [_attr("user_id"), _attr("email")],
        "GlobalSecondaryIndexes": [
            {"IndexName": "EmailIndex", "KeySchema": [_key("email", "HASH")]}
        ],
    },
    "cloudshelf-orders": {
        "KeySchema": [_key("user_id", "HASH"), _key("order_id", "RANGE")],
        "AttributeDefinitions": [_attr("user_id"), _attr("order_id"), _attr("order_date")],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "OrderDateIndex",
                "KeySchema": [_key("order_date", "HASH"), _key("order_id", "RANGE")],
            }
        ],
    },
}


def test_schemas_here_are_the_seed_documents():
    specs = seed_table_specs()
    for table, expected in SEED_SCHEMAS.items():
        spec = specs[table]
        assert spec["KeySchema"] == expected["KeySchema"]
        assert spec["AttributeDefinitions"] == expected["AttributeDefinitions"]
        assert [
            (g["IndexName"], g["KeySchema"], g["Projection"]["ProjectionType"])
            for g in spec.get("GlobalSecondaryIndexes", [])
        ] == [
            (g["IndexName"], g["KeySchema"], "ALL")
            for g in expected.get("GlobalSecondaryIndexes", [])
        ]


@pytest.mark.parametrize("table", sorted(SEED_SCHEMAS))
def test_table_schema_matches_the_seed(tables, table):
    expected, actual = SEED_SCHEMAS[table], describe(table)
    assert actual["KeySchema"] == expected["KeySchema"]
    assert sorted(actual["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
        expected["AttributeDefinitions"], key=lambda a: a["AttributeName"]
    )
    assert actual["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    gsis = {g["IndexName"]: g for g in actual.get("GlobalSecondaryIndexes", [])}
    for index in expected.get("GlobalSecondaryIndexes", []):
        assert gsis[index["IndexName"]]["KeySchema"] == index["KeySchema"]
        assert gsis[index["IndexName"]]["Projection"]["ProjectionType"] == "ALL"
    assert set(gsis) == {i["IndexName"] for i in expected.get("GlobalSecondaryIndexes", [])}


def test_carts_table_has_ttl_on_expires_at(tables):
    ttl = connection().client.describe_time_to_live(TableName="cloudshelf-carts")
    assert ttl["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires_at",
    }


def test_create_tables_reports_existing_tables_as_up_to_date(tables):
    out = StringIO()
    call_command("create_tables", stdout=out)
    from cloudshelf.tables import table_models

    assert out.getvalue().count("already up to date") == len(table_models())


def test_create_tables_creates_missing_tables(tables):
    connection().client.delete_table(TableName="cloudshelf-orders")
    out = StringIO()
    call_command("create_tables", stdout=out)
    assert "cloudshelf-orders: created" in out.getvalue()
    assert describe("cloudshelf-orders")["TableStatus"] == "ACTIVE"


def test_seed_catalog_is_idempotent_and_passes_the_seeds_validation_steps(tables):
    first, second = StringIO(), StringIO()
    call_command("seed_catalog", stdout=first)
    call_command("seed_catalog", stdout=second)
    assert "wrote 240 books" in first.getvalue()
    assert "wrote 0 books; 240 unchanged" in second.getvalue()
    # The seed's own validation steps.
    assert "Clean Code" in [b.title for b in Book.query("Technology")]
    assert [b.book_id for b in Book.title_index.query("Clean Code")] == ["tech-001"]


def test_seeded_books_keep_every_field_the_seed_gives(tables):
    from store.sample_catalog import SEED_BOOKS

    call_command("seed_catalog", stdout=StringIO())
    raw = connection().client.get_item(
        TableName="cloudshelf-books",
        Key={"category": {"S": "Technology"}, "book_id": {"S": "tech-001"}},
    )["Item"]
    assert raw["price"] == {"N": "42.99"}
    assert raw["stock_quantity"] == {"N": "25"}
    assert raw["created_at"] == {"S": "2025-09-05T10:00:00Z"}
    assert raw["image_url"] == {"S": SEED_BOOKS[1]["image_url"]}
    assert raw["isbn"] == {"S": "9780132350884"}
