"""The CloudFormation templates in deploy/: they pass cfn-lint, the tables they create are
the tables the PynamoDB models define, key for key, and the event backbone is wired as
issue 14's contract says: streams on books and orders, the projections table, one event
source mapping per stream (partial batch responses, bisection, retry limits, an SQS
dead-letter destination) feeding a second function from the site's own package, and a role
that may do what that consumer does and nothing more."""

import json
import subprocess
import sys
from pathlib import Path

import botocore.session
import pytest
from pynamodb.attributes import TTLAttribute

from cloudshelf.tables import table_models
from tests.deploy_templates import (
    ACCOUNT,
    APP_TEMPLATE,
    CONSUMER_HANDLER,
    JOBS_HANDLER,
    REGION,
    ROOT,
    STREAM_LABEL,
    STREAMS_TEMPLATE,
    TEMPLATES,
    Resolver,
    RolePolicy,
    jobs_policy,
    load,
    resources_of_type,
    table_properties,
)

STAGE = "production"  # zappa_settings.json's production stage uses the models' default names
ZAPPA = json.loads((ROOT / "zappa_settings.json").read_text())
STAGES = sorted(ZAPPA)
STREAMED_TABLES = {"cloudshelf-books", "cloudshelf-orders", "cloudshelf-reviews"}
# Issue 14's contract for the projections table, whose PynamoDB model the backbone's own
# code brings (once it is in DYNAMODB_TABLE_MODELS, the model test above checks it too).
CONTRACT_TABLES = {
    "cloudshelf-projections": {
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": {"pk": "S", "sk": "S"},
        "GlobalSecondaryIndexes": {},
        "LocalSecondaryIndexes": [],
        "BillingMode": "PAY_PER_REQUEST",
        "TimeToLive": "expires_at",
    }
}


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
    modelled = {m.Meta.table_name for m in table_models()}
    assert set(table_properties(STAGE)) == modelled | set(CONTRACT_TABLES)


@pytest.mark.parametrize("name", sorted(CONTRACT_TABLES))
def test_template_creates_the_projections_table_of_the_contract(name):
    properties = table_properties(STAGE)[name]
    assert template_table(properties) == CONTRACT_TABLES[name]
    assert "StreamSpecification" not in properties  # its own writes feed nothing


@pytest.mark.parametrize("stage", STAGES)
def test_books_orders_and_reviews_tables_stream_new_and_old_images_and_no_other_does(stage):
    prefix = "cloudshelf-dev" if stage == "dev" else "cloudshelf"
    streamed = {
        name: properties["StreamSpecification"]
        for name, properties in table_properties(stage).items()
        if "StreamSpecification" in properties
    }
    assert streamed == {
        f"{prefix}-books": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
        f"{prefix}-orders": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
        f"{prefix}-reviews": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


def stream_arn(table):
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}/stream/{STREAM_LABEL}"


def dead_letter_queue(stage=STAGE):
    ((properties),) = resources_of_type(APP_TEMPLATE, "AWS::SQS::Queue", stage).values()
    return properties


def queue_arn(stage=STAGE):
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{dead_letter_queue(stage)['QueueName']}"


def consumer(stage=STAGE, **parameters):
    functions = resources_of_type(STREAMS_TEMPLATE, "AWS::Lambda::Function", stage, parameters)
    return functions["StreamsFunction"]


def jobs_function(stage=STAGE, **parameters):
    functions = resources_of_type(STREAMS_TEMPLATE, "AWS::Lambda::Function", stage, parameters)
    return functions["JobsFunction"]


def mappings(stage=STAGE):
    found = resources_of_type(STREAMS_TEMPLATE, "AWS::Lambda::EventSourceMapping", stage)
    return {m["EventSourceArn"]: m for m in found.values()}


def test_dead_letter_queue_keeps_messages_14_days_encrypted():
    queue = dead_letter_queue()
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["SqsManagedSseEnabled"] is True or "KmsMasterKeyId" in queue


@pytest.mark.parametrize("stage", STAGES)
def test_each_stream_has_exactly_one_event_source_mapping(stage):
    tables = [
        name
        for name in table_properties(stage)
        if name.endswith(("-books", "-orders", "-reviews"))
    ]
    assert sorted(mappings(stage)) == sorted(stream_arn(name) for name in tables)


@pytest.mark.parametrize("table", sorted(STREAMED_TABLES))
def test_stream_mapping_reports_partial_batch_failures_and_gives_up_into_the_queue(table):
    mapping = mappings()[stream_arn(table)]
    assert mapping["FunctionName"] == consumer()["FunctionName"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert 1 <= mapping["MaximumRetryAttempts"] <= 10  # -1, the default, retries forever
    assert 60 <= mapping["MaximumRecordAgeInSeconds"] <= 24 * 3600  # a stream keeps 24 h
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": queue_arn()}}
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping.get("Enabled", True) is True
    assert 10 <= mapping["BatchSize"] <= 1000
    assert mapping["MaximumBatchingWindowInSeconds"] == 1
    assert mapping.get("ParallelizationFactor", 1) == 1  # one item's records stay in order


def test_consumer_runs_the_backbone_handler_from_the_sites_own_package():
    for stage, config in ZAPPA.items():
        function = consumer(stage, CodeKey="cloudshelf-package.zip")
        assert function["Handler"] == CONSUMER_HANDLER
        assert function["Runtime"] == config["runtime"]
        assert function["Architectures"] == [config["architecture"]]
        assert function["Code"] == {
            "S3Bucket": config["s3_bucket"],
            "S3Key": "cloudshelf-package.zip",
        }
        assert function["FunctionName"] == f"{config['project_name']}-{stage}-streams"


def test_consumer_has_a_sensible_timeout_and_memory():
    function = consumer()
    assert 30 <= function["Timeout"] <= 300  # seconds for a batch of 100, far from Lambda's 900
    assert function["MemorySize"] >= ZAPPA[STAGE]["memory_size"]  # CPU comes with memory


@pytest.mark.parametrize("stage", STAGES)
def test_consumer_sees_the_environment_of_its_zappa_stage(stage):
    assert consumer(stage)["Environment"]["Variables"] == ZAPPA[stage]["environment_variables"]


@pytest.mark.parametrize("stage", STAGES)
def test_consumer_runs_as_the_site_role_and_may_write_its_own_log_group(stage):
    function = consumer(stage)
    role = Resolver(load(APP_TEMPLATE), stage=stage).arn("LambdaRole")
    assert function["Role"] == role
    group = f"/aws/lambda/{function['FunctionName']}"
    log_groups = resources_of_type(APP_TEMPLATE, "AWS::Logs::LogGroup", stage).values()
    assert group in {g["LogGroupName"] for g in log_groups}
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:*"
    assert RolePolicy(stage=stage).allows("logs:PutLogEvents", arn)


def iam_actions(service):
    """Every IAM action of a service the role might be granted by mistake."""
    names = set()
    session = botocore.session.get_session()
    for api in {"dynamodb": ["dynamodb", "dynamodbstreams"], "sqs": ["sqs"]}[service]:
        names |= set(session.get_service_model(api).operation_names)
    if service == "dynamodb":  # actions with no API of their own name
        names |= {"ConditionCheckItem", "PartiQLSelect", "PartiQLInsert", "PartiQLUpdate"}
        names |= {"PartiQLDelete"}
    return sorted(f"{service}:{name}" for name in names)


def allowed(policy, service, resource):
    return {a.split(":", 1)[1] for a in iam_actions(service) if policy.allows(a, resource)}


STREAM_READS = {"DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"}


@pytest.mark.parametrize("table", sorted(STREAMED_TABLES))
def test_lambda_role_reads_each_stream_as_its_mapping_does_and_nothing_more(table):
    assert allowed(RolePolicy(), "dynamodb", stream_arn(table)) == STREAM_READS


def test_lambda_role_reads_no_other_stream():
    policy = RolePolicy()
    other = [name for name in table_properties() if name not in STREAMED_TABLES]
    for name in other:
        assert allowed(policy, "dynamodb", stream_arn(name)) == set(), name
    for table in STREAMED_TABLES:  # a later stream of the table: a new label, a new grant
        assert not policy.allows("dynamodb:GetRecords", stream_arn(table).replace("2025", "2026"))
    for action in STREAM_READS:
        assert not policy.allows(f"dynamodb:{action}", "*")
        for table in STREAMED_TABLES:  # the stream actions are not granted on the table
            assert not policy.allows(
                f"dynamodb:{action}", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}"
            )


def test_lambda_role_may_only_send_to_the_dead_letter_queue():
    policy = RolePolicy()
    assert allowed(policy, "sqs", queue_arn()) == {"SendMessage"}
    assert not policy.allows("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:another-queue")


def test_lambda_role_reads_and_writes_the_projections_table_and_no_more():
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/cloudshelf-projections"
    assert allowed(RolePolicy(), "dynamodb", table) == {
        "GetItem",
        "BatchGetItem",
        "Query",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "ConditionCheckItem",
        "DescribeTable",  # the create_tables check, as for every table
        "DescribeTimeToLive",
    }
    assert allowed(RolePolicy(), "dynamodb", f"{table}/index/AnyIndex") == set()


def test_lambda_role_grants_nothing_on_every_resource_and_no_action_wildcard():
    for statement in RolePolicy().statements:
        actions = statement["Action"]
        resources = statement["Resource"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert "*" not in action, statement["Sid"]
        for resource in [resources] if isinstance(resources, str) else resources:
            assert resource != "*" and not resource.endswith(":*:*"), statement["Sid"]


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


POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_TEMPLATE"


def test_lambda_role_calls_the_user_pool_only_with_cognito_and_only_its_admin_calls():
    cognito, builtin = RolePolicy(identity="cognito"), RolePolicy(identity="builtin")
    for action in ("AdminCreateUser", "AdminSetUserPassword", "AdminUserGlobalSignOut"):
        assert cognito.allows(f"cognito-idp:{action}", POOL_ARN)
        assert not builtin.allows(f"cognito-idp:{action}", POOL_ARN)
    other_pool = POOL_ARN.replace("TEMPLATE", "SOMEONEELSE")
    assert not cognito.allows("cognito-idp:AdminCreateUser", other_pool)
    for action in ("AdminDeleteUser", "DeleteUserPool", "AdminInitiateAuth", "ListUsers"):
        assert not cognito.allows(f"cognito-idp:{action}", POOL_ARN)


def test_user_pool_client_has_no_secret_and_the_server_password_flow():
    client = load(APP_TEMPLATE)["Resources"]["UserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False
    assert "ALLOW_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]
    pool = load(APP_TEMPLATE)["Resources"]["UserPool"]["Properties"]
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["Schema"] == [{"Name": "user_id", "AttributeDataType": "String", "Mutable": False}]
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


# --- the scheduled jobs (deploy/streams.yaml: EventBridge rules, their own function and role)


def schedules(stage=STAGE):
    """{job: (schedule expression, target)} of the template's EventBridge rules."""
    found = {}
    for rule in resources_of_type(STREAMS_TEMPLATE, "AWS::Events::Rule", stage).values():
        assert rule["State"] == "ENABLED"
        ((target),) = rule["Targets"]
        found[json.loads(target["Input"])["job"]] = (rule["ScheduleExpression"], target)
    return found


@pytest.mark.parametrize("stage", STAGES)
def test_the_payment_sweep_runs_every_5_minutes_and_best_sellers_daily(stage):
    from cloudshelf.jobs import JOBS

    found = schedules(stage)
    assert {job: expression for job, (expression, _) in found.items()} == {
        "sweep_payments": "rate(5 minutes)",
        "refresh_best_sellers": "cron(5 0 * * ? *)",  # just after midnight UTC
    }
    assert set(found) <= set(JOBS)
    function = Resolver(load(STREAMS_TEMPLATE), stage=stage).arn("JobsFunction")
    assert {target["Arn"] for _, target in found.values()} == {function}


@pytest.mark.parametrize("stage", STAGES)
def test_each_schedule_may_invoke_the_jobs_function_and_nothing_else_may(stage):
    resolve = Resolver(load(STREAMS_TEMPLATE), stage=stage)
    rules = resources_of_type(STREAMS_TEMPLATE, "AWS::Events::Rule", stage)
    permissions = resources_of_type(STREAMS_TEMPLATE, "AWS::Lambda::Permission", stage)
    assert sorted(p["SourceArn"] for p in permissions.values()) == sorted(
        resolve.arn(name) for name in rules
    )
    for permission in permissions.values():
        assert permission["Principal"] == "events.amazonaws.com"
        assert permission["Action"] == "lambda:InvokeFunction"
        assert permission["FunctionName"] == resolve.name("JobsFunction")


@pytest.mark.parametrize("stage", STAGES)
def test_jobs_function_runs_the_jobs_handler_from_the_sites_package_with_its_environment(stage):
    config = ZAPPA[stage]
    function = jobs_function(stage, CodeKey="cloudshelf-package.zip")
    assert function["Handler"] == JOBS_HANDLER
    assert function["Runtime"] == config["runtime"]
    assert function["Code"] == {"S3Bucket": config["s3_bucket"], "S3Key": "cloudshelf-package.zip"}
    assert function["FunctionName"] == f"{config['project_name']}-{stage}-jobs"
    assert function["Environment"]["Variables"] == config["environment_variables"]
    assert 60 <= function["Timeout"] <= 300
    role = Resolver(load(STREAMS_TEMPLATE), stage=stage).arn("JobsRole")
    assert function["Role"] == role  # its own role, not the site's
    group = f"/aws/lambda/{function['FunctionName']}"
    log_groups = resources_of_type(STREAMS_TEMPLATE, "AWS::Logs::LogGroup", stage).values()
    assert group in {g["LogGroupName"] for g in log_groups}
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:*"
    assert jobs_policy(stage).allows("logs:PutLogEvents", arn)
    assert not jobs_policy(stage).allows(
        "logs:PutLogEvents", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/other:*"
    )


# What the sweep and the refresh call, per table (tests/integration/test_scheduled_jobs.py
# checks that every request the two jobs make against the emulator is among these).
JOBS_TABLE_ACTIONS = {
    "orders": {"Scan", "UpdateItem"},
    "books": {"UpdateItem", "BatchGetItem"},
    "projections": {"GetItem", "Query", "PutItem", "DeleteItem"},
}


@pytest.mark.parametrize("stage", STAGES)
def test_jobs_role_may_make_only_the_calls_of_its_two_jobs(stage):
    prefix = "cloudshelf-dev" if stage == "dev" else "cloudshelf"
    policy = jobs_policy(stage)
    for table in sorted(table_properties(stage)):
        arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}"
        wanted = JOBS_TABLE_ACTIONS.get(table.removeprefix(prefix + "-"), set())
        assert allowed(policy, "dynamodb", arn) == wanted, table
        assert allowed(policy, "dynamodb", f"{arn}/index/AnyIndex") == set(), table
        assert allowed(policy, "dynamodb", f"{arn}/stream/{STREAM_LABEL}") == set(), table
    assert allowed(policy, "sqs", queue_arn(stage)) == set()
    actions = set()
    for statement in policy.statements:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions |= {listed} if isinstance(listed, str) else set(listed)
        resources = statement["Resource"]
        for resource in [resources] if isinstance(resources, str) else resources:
            assert "*" not in resource.replace(":*", ""), statement["Sid"]
    assert {a.split(":", 1)[0] for a in actions} == {"logs", "dynamodb", "ssm"}
    parameters = [
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/cloudshelf/{stage}/{name}"
        for name in (
            "django-secret-key",
            "stripe-secret-key",
            "stripe-publishable-key",
            "stripe-webhook-secret",
        )
    ]
    assert all(policy.allows("ssm:GetParameter", p) for p in parameters)
    assert not policy.allows(
        "ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/cloudshelf/{stage}/other"
    )
