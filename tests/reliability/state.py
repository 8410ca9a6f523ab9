"""Everything the site stores, read straight from the emulator: every item of every table
and every object of the covers bucket. Tests compare two readings to prove that a request
stored nothing, or to check invariants (stock against orders) after traffic."""

import hashlib
import json

import boto3
from botocore.config import Config
from django.conf import settings
from django.utils.module_loading import import_string

_clients = {}


def client(service, endpoint=None):
    endpoint = endpoint or settings.DYNAMODB_ENDPOINT_URL
    key = (service, endpoint)
    if key not in _clients:
        _clients[key] = boto3.client(
            service,
            region_name=settings.AWS_REGION,
            endpoint_url=endpoint,
            aws_access_key_id="localaws",
            aws_secret_access_key="localaws",
            config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
        )
    return _clients[key]


def table_names():
    return sorted({import_string(path).Meta.table_name for path in settings.DYNAMODB_TABLE_MODELS})


def scan(table, endpoint=None):
    dynamodb, items, start = client("dynamodb", endpoint), [], None
    while True:
        page = dynamodb.scan(TableName=table, **({"ExclusiveStartKey": start} if start else {}))
        items.extend(page["Items"])
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def _key_of(table, item, endpoint=None):
    schema = _key_schema(table, endpoint)
    return tuple(next(iter(item[name].values())) for name in schema)


_schemas = {}


def _key_schema(table, endpoint=None):
    if (table, endpoint) not in _schemas:
        described = client("dynamodb", endpoint).describe_table(TableName=table)
        _schemas[(table, endpoint)] = [k["AttributeName"] for k in described["Table"]["KeySchema"]]
    return _schemas[(table, endpoint)]


def fingerprint(endpoint=None):
    """``{(table, key): digest}`` for every item, and ``("s3", key): etag`` per object."""
    state = {}
    for table in table_names():
        for item in scan(table, endpoint):
            digest = hashlib.sha1(json.dumps(item, sort_keys=True).encode()).hexdigest()
            state[(table, _key_of(table, item, endpoint))] = (digest, item)
    s3 = client("s3", endpoint)
    bucket = settings.COVERS_BUCKET_NAME
    for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        state[("s3", (obj["Key"],))] = (obj["ETag"], None)
    return state


def changes(before, after):
    """``[(what, table, key, item)]``: items added, removed or changed between readings."""
    found = []
    for where in sorted(set(before) | set(after), key=str):
        old, new = before.get(where), after.get(where)
        if old is None:
            found.append(("added", *where, new[1]))
        elif new is None:
            found.append(("removed", *where, old[1]))
        elif old[0] != new[0]:
            found.append(("changed", *where, new[1]))
    return found


# --- writes made by this process (the Django test client runs the site in-process) -----
READ_PREFIXES = ("Get", "Query", "Scan", "BatchGet", "Describe", "List", "Head", "TransactGet")


class WriteWatch:
    """Counts the DynamoDB and S3 write calls made while it is installed."""

    def __init__(self):
        from botocore.client import BaseClient

        self.base = BaseClient
        self.original = BaseClient._make_api_call
        self.writes = []

    def __enter__(self):
        watch = self

        def counting(client_self, operation_name, api_params):
            if not operation_name.startswith(READ_PREFIXES):
                watch.writes.append(operation_name)
            return watch.original(client_self, operation_name, api_params)

        self.base._make_api_call = counting
        return self

    def __exit__(self, *exc):
        self.base._make_api_call = self.original
