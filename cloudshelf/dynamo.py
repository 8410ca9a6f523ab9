"""What every PynamoDB model and transaction shares: where DynamoDB is, how long to wait
for it, how to retry, and attributes that keep the seed's item shapes exact."""

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import botocore.client
from django.conf import settings
from pynamodb.attributes import Attribute
from pynamodb.connection import Connection
from pynamodb.connection import base as pynamodb_base
from pynamodb.constants import (
    NUMBER,
    PAY_PER_REQUEST_BILLING_MODE,
    STRING,
    TRANSACT_ITEMS,
    TRANSACT_WRITE_ITEMS,
)
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from cloudshelf.botocore_session import botocore_session

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
_clients: dict = {}  # the process's botocore clients, by everything that configures one
_clients_lock = threading.Lock()


def _client_settings(conn):
    """What PynamoDB's ``Connection.client`` would configure its client with, as a key:
    the same region, endpoint, timeouts, pool, retries and credentials."""
    if conn._retry_configuration != "LEGACY":
        retries = conn._retry_configuration
    else:
        retries = {
            "total_max_attempts": 1 + conn._max_retry_attempts_exception,
            "mode": "standard",
        }
    return (
        conn.region,
        conn.host,
        conn._connect_timeout_seconds,
        conn._read_timeout_seconds,
        conn._max_pool_connections,
        repr(sorted(retries.items())) if isinstance(retries, dict) else repr(retries),
        repr(sorted((conn._extra_headers or {}).items())),
        conn._aws_access_key_id,
        conn._aws_secret_access_key,
        conn._aws_session_token,
    ), retries


def _shared_client(conn):
    """PynamoDB's ``Connection.client``, but one client per process for all the models and
    transactions that configure it alike. PynamoDB gives every model class (and every
    thread's transaction connection) a botocore session and client of its own: ten of them
    after a few pages, each 35 ms or more of CPU to create and a copy of the DynamoDB
    service model in memory. A botocore client is safe to share between threads (PynamoDB
    already shares each of its own). The configuration is PynamoDB's own: parameter
    validation off (PynamoDB built the request), the same retries, timeouts and signing;
    responses parsed by cloudshelf/dynamo_parse.py (the same result, faster)."""
    client = conn._client
    if client is not None and _has_credentials(client):
        return client
    key, retries = _client_settings(conn)
    with _clients_lock:
        client = _clients.get(key)
        # botocore caches empty credentials: a client without them is made again, as
        # PynamoDB does (metadata-service hiccups must not poison the process).
        if client is None or not _has_credentials(client):
            config = botocore.client.Config(
                parameter_validation=False,
                connect_timeout=conn._connect_timeout_seconds,
                read_timeout=conn._read_timeout_seconds,
                max_pool_connections=conn._max_pool_connections,
                retries=retries,
            )
            credentials = (
                {
                    "aws_access_key_id": conn._aws_access_key_id,
                    "aws_secret_access_key": conn._aws_secret_access_key,
                    "aws_session_token": conn._aws_session_token,
                }
                if conn._aws_access_key_id and conn._aws_secret_access_key
                else {}  # the SDK's own: the Lambda role, AWS_* variables
            )
            client = botocore_session().create_client(
                pynamodb_base.SERVICE_NAME,
                conn.region,
                endpoint_url=conn.host,
                config=config,
                **credentials,
            )
            client.meta.events.register_first("before-send.*.*", conn._before_send)
            _clients[key] = client
    conn._client = client
    return client


def _has_credentials(client):
    signer = client._request_signer
    return not (signer and not signer._credentials)


# Every PynamoDB connection (the models' own included) takes its client from the process.
Connection.client = property(_shared_client)  # type: ignore[assignment,method-assign]


def client_prepare():
    """Create the process's DynamoDB client now, at start-up, rather than on a request."""
    return connection().client


def connection():
    """A Connection on our endpoint, kept per thread: creating its botocore client costs
    tens to hundreds of milliseconds, which every transaction would otherwise pay."""
    options = connection_options()
    key = repr(sorted(options.items()))
    cached = getattr(_local, "connection", None)
    if cached is None or cached[0] != key:
        cached = _local.connection = (key, _Connection(**options))
    return cached[1]


class _Connection(Connection):
    """Keeps the items of the last TransactWriteItems it sent, as sent, so that a
    transaction can tell which of its actions each cancellation reason is about."""

    def dispatch(self, operation_name, operation_kwargs):
        if operation_name == TRANSACT_WRITE_ITEMS:
            _local.sent_items = operation_kwargs.get(TRANSACT_ITEMS, [])
        return super().dispatch(operation_name, operation_kwargs)


class Transaction(TransactWrite):
    """A TransactWrite whose actions may be named (``tx.save(order, name="order")``).
    When DynamoDB cancels it, the error's ``cancelled_actions`` maps each action's name to
    its reason code, read from the items as they were sent (never from their position);
    see cloudshelf/dynamo_errors.py. An unnamed action is called ``<kind>#<n>``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._names = {}  # id(operation kwargs) -> name

    def _name(self, items, name):
        self._names[id(items[-1])] = name or f"action#{len(self._names)}"

    def condition_check(self, model_cls, hash_key, range_key=None, condition=None, *, name=None):
        super().condition_check(model_cls, hash_key, range_key=range_key, condition=condition)
        self._name(self._condition_check_items, name)

    def delete(self, model, condition=None, *, name=None, **kwargs):
        super().delete(model, condition=condition, **kwargs)
        self._name(self._delete_items, name)

    def save(self, model, condition=None, return_values=None, *, name=None):
        super().save(model, condition=condition, return_values=return_values)
        self._name(self._put_items, name)

    def update(self, model, actions, condition=None, return_values=None, *, name=None, **kwargs):
        super().update(model, actions, condition=condition, return_values=return_values, **kwargs)
        self._name(self._update_items, name)

    def _commit(self):
        _local.sent_items = None
        try:
            return super()._commit()
        except TransactWriteError as error:
            sent = getattr(_local, "sent_items", None) or []
            # Each sent item is {kind: the operation's kwargs}, the very dict we named.
            names = [self._names.get(id(payload)) for item in sent for payload in item.values()]
            error.cancelled_actions = {
                name: reason.code
                for name, reason in zip(names, error.cancellation_reasons or [], strict=False)
                if name and reason
            }
            raise


def transaction():
    """A Transaction on our endpoint (PynamoDB's own connection ignores Meta.host)."""
    return Transaction(connection=connection())


def transaction_refusals(
    write: Callable[["Transaction"], None], *, attempts: int = 1, busy: Exception | None = None
) -> set[str]:
    """Run ``write(tx)`` as one transaction and return the names of its actions whose
    condition failed (empty: it was committed), for the caller to say what that means.
    A conflict with a racing transaction is tried again, up to ``attempts`` times in all,
    then raised (as ``busy`` when given); any other error is raised at once."""
    from cloudshelf.dynamo_errors import failed_actions, is_conflict, retry_pause

    for attempt in range(attempts):
        try:
            with transaction() as tx:
                write(tx)
            return set()
        except TransactWriteError as error:
            refused = failed_actions(error)
            if refused:
                return refused
            if not is_conflict(error):
                raise
            if attempt == attempts - 1:
                if busy is not None:
                    raise busy from error
                raise
            retry_pause(attempt)
    raise AssertionError("attempts must be at least 1")


class _NumberAttribute(Attribute):
    """A DynamoDB number that may also be read from a string holding one: the DynamoDB
    console offers String first, so a price typed there is often ``{"S": "14.50"}``.
    Such a value is rewritten as a number on the stream (store/catalog/repair.py)."""

    attr_type = NUMBER

    def get_value(self, value):
        number = value.get(NUMBER)
        if number is not None:
            return number
        if STRING in value:
            return value[STRING]
        return super().get_value(value)  # which raises AttributeDeserializationError

    @staticmethod
    def _decimal(value) -> Decimal:
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(f"{value!r} is not a finite number")
        return number


class DecimalAttribute(_NumberAttribute, Attribute[Decimal]):
    """A DynamoDB number read back as ``Decimal`` (NumberAttribute gives floats)."""

    def serialize(self, value):
        return str(Decimal(value))

    def deserialize(self, value):
        return self._decimal(value)


class IntegerAttribute(_NumberAttribute, Attribute[int]):
    """A DynamoDB number read back as ``int`` (typed as one, unlike NumberAttribute's float)."""

    def serialize(self, value):
        return str(int(value))

    def deserialize(self, value):
        return int(self._decimal(value))


class IsoDateTimeAttribute(Attribute[datetime]):
    """A UTC timestamp, written as the seed writes it: ``2025-09-05T10:00:00Z``. Read back
    from any ISO 8601 timestamp, since a book put in from the DynamoDB console may carry
    ``2025-09-05T12:00:00+02:00`` or fractions of a second; one without an offset is UTC."""

    attr_type = STRING

    def serialize(self, value):
        return value.astimezone(UTC).strftime(ISO_FORMAT)

    def deserialize(self, value):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)


def utcnow():
    return datetime.now(UTC).replace(microsecond=0)


def batch_get_raw(request_items: dict) -> dict[str, list[dict]]:
    """ONE BatchGetItem across tables (``RequestItems`` as botocore takes it), asked again
    only for the keys DynamoDB left unprocessed: ``{table name: [raw items]}``."""
    client = connection().client
    found: dict[str, list[dict]] = {}
    request = request_items
    for _attempt in range(5):
        answer = client.batch_get_item(RequestItems=request)
        for table, items in answer.get("Responses", {}).items():
            found.setdefault(table, []).extend(items)
        request = answer.get("UnprocessedKeys") or {}
        if not request:
            break
    return found
