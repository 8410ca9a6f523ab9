"""Delivering the emulator's stream records, for ``dev.py serve``, gunicorn and tests.

The reader keeps its position per table in the projections table (StreamPosition), so a
restarted server goes on where the last one stopped; a new stream (the emulator restarted,
a table recreated) is read from its start. One reader at a time delivers, whichever process
it is in (StreamLease). ``deliver_pending()`` returns once every record written before the
call has been delivered: tests call it instead of sleeping."""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from pynamodb.exceptions import DeleteError, PutError

from cloudshelf.dynamo import connection
from cloudshelf.dynamo_errors import is_conditional_failure
from cloudshelf.streams.dispatcher import BatchOutcome, dispatch
from cloudshelf.streams.models import LEASE_PK, StreamLease
from cloudshelf.streams.positions import position_get, position_note
from cloudshelf.streams.records import Change

log = logging.getLogger(__name__)

BATCH_SIZE = 100
LEASE_SECONDS = 30
OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
_in_process = threading.Lock()


class StreamsBusy(Exception):
    """Another reader held the lease for longer than we were willing to wait."""


def _streams_client() -> Any:  # a boto3 DynamoDB Streams client (boto3 is untyped)
    import boto3

    options = connection().client.meta
    return boto3.client(
        "dynamodbstreams",
        region_name=settings.AWS_REGION,
        endpoint_url=options.endpoint_url,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
    )


_clients = threading.local()


def streams_client() -> Any:
    client = getattr(_clients, "client", None)
    if client is None:
        client = _clients.client = _streams_client()
    return client


def _lease_take() -> bool:
    now = int(time.time())
    lease = StreamLease(owner=OWNER, until=now + LEASE_SECONDS, expires_at=timedelta(hours=1))
    try:
        lease.save(
            condition=StreamLease.pk.does_not_exist()
            | (StreamLease.until < now)
            | (StreamLease.owner == OWNER)
        )
        return True
    except PutError as error:
        if is_conditional_failure(error):
            return False
        raise


def _lease_release() -> None:
    try:
        StreamLease(LEASE_PK, "local").delete(condition=StreamLease.owner == OWNER)
    except DeleteError as error:
        if not is_conditional_failure(error):  # expired or taken over: nothing to release
            raise


def _table_stream(table_name: str) -> str | None:
    described = connection().client.describe_table(TableName=table_name)["Table"]
    if not described.get("StreamSpecification", {}).get("StreamEnabled"):
        return None
    return described.get("LatestStreamArn")


def _skip(changes: list[Change]) -> BatchOutcome:
    return BatchOutcome(delivered=len(changes), last_done=changes[-1])


def _table_deliver(
    table_name: str,
    collect: list[Change] | None,
    handle: Callable[[list[Change]], BatchOutcome] = dispatch,
) -> int:
    """Deliver what the table's stream holds past our position (to ``handle``, by
    default the projections). Returns the count."""
    client = streams_client()
    arn = _table_stream(table_name)
    if arn is None:
        return 0
    position = position_get(table_name)
    same_stream = position is not None and position.stream_arn == arn
    shards: dict[str, Any] = position.shards.as_dict() if position and same_stream else {}
    total = 0
    stream = client.describe_stream(StreamArn=arn)["StreamDescription"]
    for shard in stream["Shards"]:
        shard_id = shard["ShardId"]
        after = shards.get(shard_id)
        iterator = client.get_shard_iterator(
            StreamArn=arn,
            ShardId=shard_id,
            **(
                {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
                if after
                else {"ShardIteratorType": "TRIM_HORIZON"}
            ),
        )["ShardIterator"]
        while iterator:
            answer = client.get_records(ShardIterator=iterator, Limit=BATCH_SIZE)
            records = answer.get("Records", [])
            if not records:
                break
            changes = [Change.from_record(r, table_name=table_name) for r in records]
            outcome = handle(changes)
            if collect is not None:
                collect.extend(changes[: outcome.delivered])
            if outcome.last_done is not None:
                shards[shard_id] = outcome.last_done.sequence_number
                position_note(
                    table_name=table_name,
                    last=outcome.last_done,
                    count=outcome.delivered,
                    stream_arn=arn,
                    shards=shards,
                )
                total += outcome.delivered
            if not outcome.ok or not _lease_take():
                return total  # the rest is delivered on the next round
            iterator = answer.get("NextShardIterator")
    return total


def deliver_once(*, collect: list[Change] | None = None) -> int | None:
    """One round over every stream, if no other reader is delivering. Returns the count
    delivered, or None when another reader holds the lease."""
    with _in_process:
        if not _lease_take():
            return None
        try:
            return sum(_table_deliver(name, collect) for name in settings.STREAM_TABLE_NAMES)
        finally:
            _lease_release()


def stream_skip(table_name: str) -> int:
    """Note the table's stream as read to its end without delivering it: for a first
    start, whose projections are rebuilt from the table next, so every record written so
    far is in them. Returns how many were skipped (0 if another reader is delivering)."""
    with _in_process:
        if not _lease_take():
            return 0
        try:
            return _table_deliver(table_name, None, handle=_skip)
        finally:
            _lease_release()


def deliver_pending(*, timeout: float = 30.0, collect: list[Change] | None = None) -> int:
    """Deliver every record written so far; returns how many this call delivered (and
    appends their Changes to ``collect``, a list, if given: tests deliver them again).

    When another reader is delivering, waits for its round to end and then reads again,
    so everything written before this call is delivered when it returns."""
    deadline = time.monotonic() + timeout
    delivered = 0
    while True:
        count = deliver_once(collect=collect)
        if count is not None:
            delivered += count
            if count == 0:
                return delivered
            continue  # projections may have written records of their own
        if time.monotonic() > deadline:
            raise StreamsBusy(f"another stream reader held the lease for {timeout} s")
        time.sleep(0.05)
