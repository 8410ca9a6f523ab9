"""What every PynamoDB model and transaction shares: where DynamoDB is, how long to wait
for it, how to retry, and attributes that keep the seed's item shapes exact."""

import threading
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from pynamodb.attributes import Attribute, NumberAttribute
from pynamodb.connection import Connection
from pynamodb.constants import NUMBER, PAY_PER_REQUEST_BILLING_MODE, STRING
from pynamodb.transactions import TransactWrite

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def connection_options():
    options = {
        "region": settings.AWS_REGION,
        "host": settings.DYNAMODB_ENDPOINT_URL,
        "connect_timeout_seconds": settings.DYNAMODB_CONNECT_TIMEOUT,
        "read_timeout_seconds": settings.DYNAMODB_READ_TIMEOUT,
        "retry_configuration": {
            "mode": "standard",
            "total_max_attempts": settings.DYNAMODB_MAX_ATTEMPTS,
        },
        # PynamoDB 6.1's models ignore ``retry_configuration`` (their TableConnection never
        # passes it on) and retry 1 + max_retry_attempts times in standard mode instead.
        "max_retry_attempts": settings.DYNAMODB_MAX_ATTEMPTS - 1,
    }
    if settings.AWS_ACCESS_KEY_ID:
        options["aws_access_key_id"] = settings.AWS_ACCESS_KEY_ID
        options["aws_secret_access_key"] = settings.AWS_SECRET_ACCESS_KEY
    return options


def table_meta(table_name):
    """A PynamoDB ``Meta`` for a table. PynamoDB reads Meta when the class is created,
    so the endpoint comes from settings at import time, never hard-coded. A table named in
    ``STREAM_TABLE_NAMES`` is created with its DynamoDB Stream."""
    stream = (
        {"stream_view_type": settings.STREAM_VIEW_TYPE}
        if table_name in settings.STREAM_TABLE_NAMES
        else {}
    )
    return type(
        "Meta",
        (),
        {
            "table_name": table_name,
            "billing_mode": PAY_PER_REQUEST_BILLING_MODE,
            **stream,
            **connection_options(),
        },
    )


_local = threading.local()


def connection():
    """A Connection on our endpoint, kept per thread: creating its botocore client costs
    tens to hundreds of milliseconds, which every transaction would otherwise pay."""
    options = connection_options()
    key = repr(sorted(options.items()))
    cached = getattr(_local, "connection", None)
    if cached is None or cached[0] != key:
        cached = _local.connection = (key, Connection(**options))
    return cached[1]


def transaction():
    """A TransactWrite on our endpoint (PynamoDB's own connection ignores Meta.host)."""
    return TransactWrite(connection=connection())


class DecimalAttribute(Attribute[Decimal]):
    """A DynamoDB number read back as ``Decimal`` (NumberAttribute gives floats)."""

    attr_type = NUMBER

    def serialize(self, value):
        return str(Decimal(value))

    def deserialize(self, value):
        return Decimal(value)


class IntegerAttribute(NumberAttribute):
    def serialize(self, value):
        return str(int(value))

    def deserialize(self, value):
        return int(Decimal(value))


class IsoDateTimeAttribute(Attribute[datetime]):
    """A UTC timestamp stored as the seed writes it: ``2025-09-05T10:00:00Z``."""

    attr_type = STRING

    def serialize(self, value):
        return value.astimezone(UTC).strftime(ISO_FORMAT)

    def deserialize(self, value):
        return datetime.strptime(value, ISO_FORMAT).replace(tzinfo=UTC)


def utcnow():
    return datetime.now(UTC).replace(microsecond=0)
