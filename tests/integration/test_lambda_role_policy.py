"""The Lambda role is least privilege but not less: every AWS request the site makes in its
main flows (the commands a person runs through `zappa manage`, browsing, signing in and
out, covers, email), and every request Lambda makes as the role to feed the stream consumer
(reading the two streams, sending a failed batch to the dead-letter queue), is allowed by
the role's policy in deploy/app.yaml."""

import json
import threading
from contextlib import contextmanager
from io import StringIO

import pytest
from botocore.client import BaseClient
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client

from store.catalog.models import Book
from tests.conftest import PASSWORD, add_to_cart, place_form, review_checkout
from tests.deploy_templates import (
    ACCOUNT,
    APP_TEMPLATE,
    POOL_LABEL,
    REGION,
    STREAM_LABEL,
    Resolver,
    RolePolicy,
    load,
)

_lock = threading.Lock()


@contextmanager
def recorded_aws_requests():
    """Every AWS API call made while the block runs: (service, operation, parameters)."""
    calls, original = [], BaseClient._make_api_call

    def recording(client, operation, params):
        with _lock:
            calls.append((client.meta.service_model.service_name, operation, params))
        return original(client, operation, params)

    BaseClient._make_api_call = recording
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original


def emulator_client(service):
    import boto3

    return boto3.client(
        service,
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        region_name=REGION,
        aws_access_key_id="localaws",
        aws_secret_access_key="localaws",
    )


def ses_client():
    return emulator_client("ses")


def table_arn(name, index=None):
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
    return f"{arn}/index/{index}" if index else arn


def stream_arn(table):
    """The table's stream as the role's policy names it (GetAtt StreamArn): the label is the
    stream's creation time, the emulator's differs from the template resolver's."""
    return f"{table_arn(table)}/stream/{STREAM_LABEL}"


def table_of_stream(arn):
    return arn.split(":table/", 1)[1].split("/stream/", 1)[0]


# GetRecords names only its shard iterator; IAM authorizes it on the iterator's stream.
SHARD_ITERATORS = {}


TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


def iam_requests(service, operation, params, bucket):
    """The (action, resource) pairs IAM authorizes for one API call."""
    if service == "dynamodb":
        if operation in ("TransactWriteItems", "TransactGetItems"):
            for item in params["TransactItems"]:
                ((kind, body),) = item.items()
                yield f"dynamodb:{TRANSACT_ACTIONS[kind]}", table_arn(body["TableName"])
        elif operation in ("BatchGetItem", "BatchWriteItem"):
            for name in params["RequestItems"]:
                yield f"dynamodb:{operation}", table_arn(name)
        else:
            yield f"dynamodb:{operation}", table_arn(params["TableName"], params.get("IndexName"))
    elif service == "s3":
        name = bucket if params.get("Bucket") == settings.COVERS_BUCKET_NAME else params["Bucket"]
        action = {
            "HeadObject": "GetObject",
            "HeadBucket": "ListBucket",
            "ListObjectsV2": "ListBucket",
            "ListObjects": "ListBucket",
        }.get(operation, operation)
        key = params.get("Key")
        yield f"s3:{action}", f"arn:aws:s3:::{name}/{key}" if key else f"arn:aws:s3:::{name}"
    elif service == "dynamodbstreams":
        if operation == "ListStreams":
            stream = stream_arn(params["TableName"]) if "TableName" in params else "*"
        elif operation == "GetRecords":
            stream = stream_arn(table_of_stream(SHARD_ITERATORS[params["ShardIterator"]]))
        else:
            stream = stream_arn(table_of_stream(params["StreamArn"]))
        yield f"dynamodb:{operation}", stream
    elif service == "sqs":
        queue = params["QueueUrl"].rstrip("/").rsplit("/", 1)[1]
        yield f"sqs:{operation}", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}"
    elif service == "cognito-idp":
        # Only the Admin* calls are authorized by IAM; the public ones (SignUp,
        # InitiateAuth, ConfirmForgotPassword...) are not evaluated against IAM at all.
        if operation.startswith("Admin"):
            yield (
                f"cognito-idp:{operation}",
                f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{POOL_LABEL}",
            )
    elif service in ("ses", "sesv2"):
        sender = params.get("FromEmailAddress") or params["Source"]
        domain = sender.rsplit("@", 1)[1].rstrip(">")
        yield f"ses:{operation}", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{domain}"
    else:
        yield f"{service}:{operation}", "*"


def refused(calls, policy):
    bucket = Resolver(load(APP_TEMPLATE)).ref("CoversBucket")
    return sorted(
        {
            pair
            for call in calls
            for pair in iam_requests(*call, bucket)
            if not policy.allows(*pair)
        }
    )


@pytest.fixture
def as_in_production(settings, tables):
    """No emulator bootstrapping (production never creates its bucket or tables); email
    through SES (the emulator's)."""
    settings.LOCALAWS = None
    settings.EMAIL_BACKEND = "django_ses.SESBackend"
    settings.USE_SES_V2 = True
    settings.AWS_SES_REGION_ENDPOINT_URL = settings.DYNAMODB_ENDPOINT_URL
    settings.AWS_SES_AUTO_THROTTLE = None
    settings.DEFAULT_FROM_EMAIL = "CloudShelf <no-reply@example.com>"


def test_role_allows_the_commands_run_through_zappa_manage(as_in_production):
    with recorded_aws_requests() as calls:
        call_command("create_tables", stdout=StringIO())
        call_command("seed_catalog", stdout=StringIO())
        call_command("seed_catalog", stdout=StringIO())
    assert {op for _, op, _ in calls} >= {"DescribeTable", "BatchWriteItem", "PutObject"}
    assert refused(calls, RolePolicy()) == []


def test_role_allows_browsing_the_catalog_and_its_covers(as_in_production, client):
    call_command("seed_catalog", stdout=StringIO())
    book = Book.get("Technology", "tech-001")
    with recorded_aws_requests() as calls:
        for path in [
            "/",
            "/category/Technology/",
            "/books/Technology/tech-001/",
            "/search/?q=Clean+Code",
            f"/media/{book.image_key}",
            "/media/covers/missing-000000000000.jpg",
        ]:
            assert client.get(path).status_code in (200, 404)
    assert refused(calls, RolePolicy()) == []


def test_role_allows_creating_an_account_signing_in_and_out(as_in_production, client, make_user):
    with recorded_aws_requests() as calls:
        user = make_user()
        client.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
        client.get("/")
        client.post("/accounts/sign-out/")
    assert {op for _, op, _ in calls} >= {
        "TransactWriteItems",
        "Query",
        "PutItem",
        "GetItem",
        "UpdateItem",
        "DeleteItem",
    }
    assert refused(calls, RolePolicy()) == []


def test_role_allows_registering_shopping_checking_out_and_becoming_staff(
    as_in_production, client, make_book
):
    book = make_book(title="Clean Code", price=42, stock_quantity=5)
    with recorded_aws_requests() as calls:
        registered = client.post(
            "/accounts/register/",
            {
                "email": "new@example.org",
                "first_name": "Ada",
                "last_name": "Reader",
                "new_password1": PASSWORD,
                "new_password2": PASSWORD,
            },
        )
        assert registered.status_code == 302
        assert add_to_cart(client, book).status_code == 302
        placed = client.post("/checkout/place/", place_form(review_checkout(client)))
        assert placed.status_code == 302
        assert client.get(placed["Location"]).status_code == 200
        call_command("createstaff", "--email", "new@example.org", "--no-input", stdout=StringIO())
    assert {op for _, op, _ in calls} >= {"TransactWriteItems", "BatchGetItem", "UpdateItem"}
    assert refused(calls, RolePolicy()) == []


def test_role_allows_sending_email_from_its_identity(as_in_production):
    ses_client().verify_domain_identity(Domain="example.com")
    with recorded_aws_requests() as calls:
        assert mail.send_mail("Your order", "Thanks.", None, ["shopper@example.org"]) == 1
    assert refused(calls, RolePolicy(email_identity="example.com")) == []


def streamed_tables():
    template = load(APP_TEMPLATE)
    resolve = Resolver(template)
    return [
        resolve(resource["Properties"]["TableName"])
        for resource in template["Resources"].values()
        if "StreamSpecification" in resource.get("Properties", {})
    ]


def poll_like_an_event_source_mapping(table):
    """What Lambda's poller asks of DynamoDB Streams, as the function's role, to read a
    table's stream from TRIM_HORIZON; returns the records."""
    streams = emulator_client("dynamodbstreams")
    (stream,) = streams.list_streams(TableName=table)["Streams"]
    description = streams.describe_stream(StreamArn=stream["StreamArn"])["StreamDescription"]
    records = []
    for shard in description["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream["StreamArn"],
            ShardId=shard["ShardId"],
            ShardIteratorType="TRIM_HORIZON",
        )["ShardIterator"]
        SHARD_ITERATORS[iterator] = stream["StreamArn"]
        records += streams.get_records(ShardIterator=iterator, Limit=100)["Records"]
    return stream["StreamArn"], description["Shards"], records


@pytest.fixture
def streams_on(as_in_production):
    """The streams deploy/app.yaml turns on, in the emulator (where create_tables has not
    turned them on already), and the dead-letter queue it creates."""
    dynamodb = emulator_client("dynamodb")
    tables = streamed_tables()
    for table in tables:
        if "LatestStreamArn" not in dynamodb.describe_table(TableName=table)["Table"]:
            dynamodb.update_table(
                TableName=table,
                StreamSpecification={
                    "StreamEnabled": True,
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
            )
    queue = Resolver(load(APP_TEMPLATE)).name("StreamDeadLetterQueue")
    url = emulator_client("sqs").create_queue(QueueName=queue)["QueueUrl"]
    return tables, url


def test_role_allows_lambda_to_read_both_streams_for_the_consumer(streams_on, make_book):
    tables, _ = streams_on
    assert sorted(tables) == ["cloudshelf-books", "cloudshelf-orders", "cloudshelf-reviews"]
    make_book(title="Dune", stock_quantity=3)
    with recorded_aws_requests() as calls:
        read = {table: poll_like_an_event_source_mapping(table) for table in tables}
    assert read["cloudshelf-books"][2], "the book's INSERT is in the books stream"
    assert {op for _, op, _ in calls} == {
        "ListStreams",
        "DescribeStream",
        "GetShardIterator",
        "GetRecords",
    }
    assert refused(calls, RolePolicy()) == []


def test_role_allows_lambda_to_send_a_failed_batch_to_the_dead_letter_queue(streams_on):
    tables, url = streams_on
    stream, shards, _ = poll_like_an_event_source_mapping(tables[0])
    # What Lambda sends as the function's role when a batch runs out of retries.
    failure = {
        "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6},
        "DDBStreamBatchInfo": {
            "shardId": shards[0]["ShardId"],
            "startSequenceNumber": "100",
            "endSequenceNumber": "199",
            "batchSize": 100,
            "streamArn": stream,
        },
    }
    with recorded_aws_requests() as calls:
        emulator_client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(failure))
    assert [op for _, op, _ in calls] == ["SendMessage"]
    assert refused(calls, RolePolicy()) == []


def test_role_refuses_reading_a_stream_of_another_table(streams_on):
    dynamodb = emulator_client("dynamodb")
    dynamodb.update_table(
        TableName="cloudshelf-users",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    with recorded_aws_requests() as calls:
        poll_like_an_event_source_mapping("cloudshelf-users")
    assert {action for action, _ in refused(calls, RolePolicy())} == {
        "dynamodb:ListStreams",
        "dynamodb:DescribeStream",
        "dynamodb:GetShardIterator",
        "dynamodb:GetRecords",
    }


def test_role_allows_the_cognito_journeys_and_only_on_its_pool(
    as_in_production, cognito, make_user
):
    from tests.cognito_fixtures import totp_now

    staff = make_user(is_staff=True)
    with recorded_aws_requests() as calls:
        client = Client()
        assert (
            client.post(
                "/accounts/sign-in/", {"email": staff.email, "password": PASSWORD}
            ).status_code
            == 302
        )  # moved into the pool here
        client.post("/accounts/two-factor/", {"step": "start", "password": PASSWORD})
        client.post(
            "/accounts/two-factor/",
            {"step": "enable", "password": PASSWORD, "code": totp_now()},
        )
        client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": NEWER, "new_password2": NEWER},
        )
        client.post("/accounts/sign-out/")
        Client().post("/accounts/password-reset/", {"email": staff.email})
    operations = {op for service, op, _ in calls if service == "cognito-idp"}
    assert operations >= {
        "InitiateAuth",
        "AdminCreateUser",
        "AdminSetUserPassword",
        "AdminGetUser",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "AdminUserGlobalSignOut",
        "ForgotPassword",
    }
    assert refused(calls, RolePolicy(identity="cognito")) == []
    assert refused(calls, RolePolicy(identity="builtin")) != []


NEWER = "quiet harbour maple 77"
