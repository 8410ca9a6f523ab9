"""The projections table (``PROJECTIONS_TABLE_NAME``): one table, keyed ``pk``/``sk``, for
what the projections keep. Each kind of item is its own model over the same keys; the
models here are the backbone's own: where each stream was read to, and dead letters."""

import json
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from pynamodb.attributes import MapAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from cloudshelf.dynamo import IntegerAttribute, IsoDateTimeAttribute, table_meta
from cloudshelf.streams.records import Change

POSITION_PK = "stream-position"
DEAD_LETTER_PK = "dead-letter"
LEASE_PK = "stream-lease"


class ProjectionItem(Model):
    """The table's keys and TTL: the model that creates it (DYNAMODB_TABLE_MODELS)."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute(null=True)


class StreamPosition(Model):
    """How far one table's stream has been delivered. ``shards`` (local reader only) maps a
    shard id to the last sequence number delivered; Lambda keeps its own position in AWS.
    ``record_at`` is the newest delivered record's creation time, ``delivered_at`` when it
    was delivered: their difference is how far behind the stream is."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=POSITION_PK)
    sk = UnicodeAttribute(range_key=True)  # the table name
    stream_arn = UnicodeAttribute(null=True)
    shards: MapAttribute[str, Any] = MapAttribute(default=dict)
    record_at = IsoDateTimeAttribute(null=True)
    delivered_at = IsoDateTimeAttribute(null=True)
    delivered = IntegerAttribute(default=0)

    @property
    def table_name(self) -> str:
        return self.sk

    @property
    def lag_seconds(self) -> int | None:
        if not self.record_at or not self.delivered_at:
            return None
        return max(0, int((self.delivered_at - self.record_at).total_seconds()))


class DeadLetter(Model):
    """A change that one projection could not apply, with the error: replayed by
    ``manage.py replay_dead_letters`` and shown to staff on the dashboard."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=DEAD_LETTER_PK)
    sk = UnicodeAttribute(range_key=True)  # failed_at#projection#id: oldest first
    projection = UnicodeAttribute()
    table_name = UnicodeAttribute()
    event_name = UnicodeAttribute()
    sequence_number = UnicodeAttribute()
    keys = UnicodeAttribute()  # JSON of the item's key
    record = UnicodeAttribute()  # the stream record as received, JSON
    error = UnicodeAttribute()
    attempts = IntegerAttribute(default=1)
    failed_at = IsoDateTimeAttribute()

    @classmethod
    def new(
        cls, *, projection: str, change: Change, error: BaseException, attempts: int, at: datetime
    ) -> "DeadLetter":
        return cls(
            sk=f"{at.strftime('%Y%m%dT%H%M%S')}#{projection}#{uuid.uuid4().hex[:12]}",
            projection=projection,
            table_name=change.table_name,
            event_name=change.event_name,
            sequence_number=change.sequence_number,
            keys=json.dumps(change.keys, default=str, sort_keys=True),
            record=json.dumps(change.record, default=str),
            error=f"{type(error).__name__}: {error}"[:2000],
            attempts=attempts,
            failed_at=at,
        )


class StreamLease(Model):
    """Held by the one local reader delivering right now (several processes may share an
    emulator: gunicorn workers, a test and its server). It expires on its own if the
    holder dies."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=LEASE_PK)
    sk = UnicodeAttribute(range_key=True, default="local")
    owner = UnicodeAttribute()
    until = IntegerAttribute()  # epoch seconds
    expires_at = TTLAttribute(null=True)
