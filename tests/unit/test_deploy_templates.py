"""The CloudFormation templates in deploy/: they pass cfn-lint, and the tables they create
are the tables the PynamoDB models define, key for key."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pynamodb.attributes import TTLAttribute

from cloudshelf.tables import table_models
from tests.deploy_templates import (
    APP_TEMPLATE,
    ROOT,
    TEMPLATES,
    Resolver,
    RolePolicy,
    load,
    table_properties,
)

STAGE = "production"  # zappa_settings.json's production stage uses the models' default names


def model_table(model):
    """The table a PynamoDB model creates, in CloudFormation's terms."""
    schema = model._get_schema()

    def keys(key_schema):
        order = {"HASH": 0, "RANGE": 1}
        return sorted(
            ({"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in key_schema),
            key=lambda k: order[k["KeyType"]],
        )

    definitions = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    indexes = {}
    for index in schema["global_secondary_indexes"]:
        for definition in index.get("attribute_definitions", []):
            definitions[definition["AttributeName"]] = definition["AttributeType"]
        indexes[index["index_name"]] = {
            "KeySchema": keys(index["key_schema"]),
            "Projection": index["projection"],
        }
    ttl = [a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)]
    return {
        "KeySchema": keys(schema["key_schema"]),
        "AttributeDefinitions": definitions,
        "GlobalSecondaryIndexes": indexes,
        "LocalSecondaryIndexes": sorted(
            i["index_name"] for i in schema["local_secondary_indexes"]
        ),
        "BillingMode": model.Meta.billing_mode,
        "TimeToLive": ttl[0] if ttl else None,
    }


def template_table(properties):
    ttl = properties.get("TimeToLiveSpecification", {})
    return {
        "KeySchema": properties["KeySchema"],
        "AttributeDefinitions": {
            d["AttributeName"]: d["AttributeType"] for d in properties["AttributeDefinitions"]
        },
        "GlobalSecondaryIndexes": {
            i["IndexName"]: {"KeySchema": i["KeySchema"], "Projection": i["Projection"]}
            for i in properties.get("GlobalSecondaryIndexes", [])
        },
        "LocalSecondaryIndexes": sorted(
            i["IndexName"] for i in properties.get("LocalSecondaryIndexes", [])
        ),
        "BillingMode": properties.get("BillingMode"),
        "TimeToLive": ttl.get("AttributeName") if ttl.get("Enabled") else None,
    }


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_template_passes_cfn_lint(template):
    cfn_lint = Path(sys.executable).with_name("cfn-lint")  # the command, as a person runs it
    result = subprocess.run([str(cfn_lint), str(template)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("model", table_models(), ids=lambda m: m.Meta.table_name)
def test_template_creates_the_table_exactly_as_the_model_defines_it(model):
    tables = table_properties(STAGE)
    wanted = model_table(model)
    assert model.Meta.table_name in tables, (
        f"deploy/app.yaml has no table {model.Meta.table_name}; add one like this:\n"
        + json.dumps(wanted, indent=2)
    )
    assert template_table(tables[model.Meta.table_name]) == wanted


def test_templates_create_no_table_that_no_model_uses():
    assert set(table_properties(STAGE)) == {m.Meta.table_name for m in table_models()}


def test_zappa_stage_names_the_tables_the_template_creates():
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    for stage, config in settings.items():
        names = set(table_properties(stage))
        configured = {
            v for k, v in config["environment_variables"].items() if k.endswith("_TABLE_NAME")
        }
        assert configured == names, stage


def test_zappa_stage_names_the_covers_bucket_the_template_creates():
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    template = load(APP_TEMPLATE)
    for stage, config in settings.items():
        bucket = Resolver(template, stage=stage).ref("CoversBucket")
        assert config["environment_variables"]["COVERS_BUCKET_NAME"] == bucket, stage


def test_lambda_role_reaches_every_table_and_index_the_templates_create():
    policy = RolePolicy()
    for name, properties in table_properties().items():
        table = f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}"
        for action in (
            "GetItem",
            "Query",
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "ConditionCheckItem",
            "BatchGetItem",
            "BatchWriteItem",
            "DescribeTable",
        ):
            assert policy.allows(f"dynamodb:{action}", table), (action, name)
        for index in properties.get("GlobalSecondaryIndexes", []):
            assert policy.allows("dynamodb:Query", f"{table}/index/{index['IndexName']}")


@pytest.mark.parametrize(
    "action",
    [
        "CreateTable",
        "DeleteTable",
        "UpdateTable",
        "UpdateTimeToLive",
        "DeleteBackup",
        "PartiQLSelect",
    ],
)
def test_lambda_role_cannot_manage_tables(action):
    policy = RolePolicy()
    assert not policy.allows(
        f"dynamodb:{action}", "arn:aws:dynamodb:us-east-1:123456789012:table/cloudshelf-books"
    )


@pytest.mark.parametrize(
    "table", ["cloudshelf-users", "cloudshelf-sessions", "cloudshelf-orders", "cloudshelf-carts"]
)
def test_lambda_role_cannot_scan_personal_data(table):
    assert not RolePolicy().allows(
        "dynamodb:Scan", f"arn:aws:dynamodb:us-east-1:123456789012:table/{table}"
    )


def test_lambda_role_reads_and_writes_only_covers_in_its_bucket():
    policy = RolePolicy()
    bucket = Resolver(load(APP_TEMPLATE)).ref("CoversBucket")
    assert policy.allows("s3:PutObject", f"arn:aws:s3:::{bucket}/covers/x.jpg")
    assert not policy.allows("s3:PutObject", f"arn:aws:s3:::{bucket}/other/x.jpg")
    assert not policy.allows("s3:DeleteObject", f"arn:aws:s3:::{bucket}/covers/x.jpg")
    assert not policy.allows("s3:GetObject", "arn:aws:s3:::someone-elses-bucket/covers/x.jpg")


def test_lambda_role_sends_email_only_when_an_identity_is_given():
    identity = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
    assert RolePolicy(email_identity="example.com").allows("ses:SendEmail", identity)
    assert not RolePolicy(email_identity="").allows("ses:SendEmail", identity)
