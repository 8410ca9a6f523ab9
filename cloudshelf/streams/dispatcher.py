"""The one place stream records go through, in AWS and locally.

Records are handled in order. Each projection that cares about a record is tried up to
``ATTEMPTS`` times; if it still fails, a dead letter keeps the record and the error, and
the record counts as done for that projection, so one bad record never blocks its shard
and the other projections stay current. Only when even the dead letter cannot be written
(DynamoDB itself failing) does the batch stop there: that record and the ones after it are
reported as failed and delivered again later."""

import logging
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cloudshelf.dynamo import utcnow
from cloudshelf.streams.models import DeadLetter
from cloudshelf.streams.projections import Projection, projections_for
from cloudshelf.streams.records import Change

log = logging.getLogger(__name__)

ATTEMPTS = 3


@dataclass
class BatchOutcome:
    delivered: int = 0
    dead_letters: int = 0
    # The first record not done, and every one after it, must be delivered again.
    failed_from: str | None = None
    last_done: Change | None = None
    # (projection name, sequence number) of each dead letter kept.
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed_from is None


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.05 * 2**attempt))


def change_apply(projection: Projection, change: Change) -> Exception | None:
    """Apply one change to one projection, retrying; returns the last error or None."""
    error: Exception | None = None
    for attempt in range(ATTEMPTS):
        try:
            projection.apply(change)
            return None
        except Exception as caught:  # noqa: BLE001 (any fault of a projection is kept)
            error = caught
            log.warning(
                "projection %s failed on %s %s (attempt %d): %r",
                projection.name,
                change.table_name,
                change.sequence_number,
                attempt + 1,
                caught,
            )
            if attempt + 1 < ATTEMPTS:
                _pause(attempt)
    return error


def dispatch(changes: Iterable[Change]) -> BatchOutcome:
    """Deliver ``changes`` (in stream order) to their projections. Returns a BatchOutcome."""
    outcome = BatchOutcome()
    for change in changes:
        for projection in projections_for(change):
            error = change_apply(projection, change)
            if error is None:
                continue
            try:
                DeadLetter.new(
                    projection=projection.name,
                    change=change,
                    error=error,
                    attempts=ATTEMPTS,
                    at=utcnow(),
                ).save()
            except Exception:  # the store itself is failing: deliver again later
                log.exception("could not keep a dead letter for %s", change.sequence_number)
                outcome.failed_from = change.sequence_number
                return outcome
            log.error(
                "projection %s gave up on %s %s: %r (dead letter kept)",
                projection.name,
                change.table_name,
                change.sequence_number,
                error,
            )
            outcome.dead_letters += 1
            outcome.failures.append((projection.name, change.sequence_number))
        outcome.delivered += 1
        outcome.last_done = change
    return outcome


def records_dispatch(records: Iterable[dict[str, Any]]) -> BatchOutcome:
    """Lambda's form: raw records with ``eventSourceARN``."""
    return dispatch([Change.from_record(record) for record in records])
