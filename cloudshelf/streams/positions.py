"""Where each stream has been delivered to, and how far behind it is (staff and logs)."""

import logging
from typing import Any

from pynamodb.expressions.update import Action

from cloudshelf.dynamo import utcnow
from cloudshelf.streams.models import POSITION_PK, StreamPosition
from cloudshelf.streams.records import Change

log = logging.getLogger(__name__)


def position_get(table_name: str) -> StreamPosition | None:
    try:
        return StreamPosition.get(POSITION_PK, table_name, consistent_read=True)
    except StreamPosition.DoesNotExist:
        return None


def positions_all() -> list[StreamPosition]:
    """Every stream's position (one Query), for the staff dashboard."""
    return list(StreamPosition.query(POSITION_PK))


def position_note(
    *,
    table_name: str,
    last: Change | None,
    count: int,
    stream_arn: str | None = None,
    shards: dict[str, Any] | None = None,
) -> None:
    """Record that ``count`` records up to ``last`` (a Change) were delivered: one
    UpdateItem. The lag is logged, so it can be watched and alarmed on."""
    now = utcnow()
    actions: list[Action] = [
        StreamPosition.delivered_at.set(now),
        StreamPosition.delivered.add(count),
    ]
    if last is not None and last.created_at is not None:
        actions.append(StreamPosition.record_at.set(last.created_at.replace(microsecond=0)))
        lag = max(0.0, (now - last.created_at).total_seconds())
        log.info("stream %s: %d records delivered, %.1f s behind", table_name, count, lag)
    if stream_arn is not None:
        actions.append(StreamPosition.stream_arn.set(stream_arn))
    if shards is not None:
        actions.append(StreamPosition.shards.set(shards))
    StreamPosition(sk=table_name).update(actions=actions)
