"""Projections that only tests register (override_settings STREAM_PROJECTIONS): they keep
what they saw in memory, or fail on purpose."""

from cloudshelf.streams.projections import Projection

SEEN = []
FAIL_ON = set()  # book_ids the failing projection refuses


def _remember(change):
    SEEN.append((change.event_name, change.keys.get("book_id"), change.sequence_number))


def _fail_for_some(change):
    if change.keys.get("book_id") in FAIL_ON:
        raise RuntimeError(f"forced failure for {change.keys['book_id']}")


recorder = Projection(name="test-recorder", table_setting="BOOKS_TABLE_NAME", apply=_remember)
failing = Projection(name="test-failing", table_setting="BOOKS_TABLE_NAME", apply=_fail_for_some)


REBUILT = []


def _rebuild(*, dry_run, progress):
    REBUILT.append(dry_run)
    progress(2)
    return 0 if dry_run else 2


rebuildable = Projection(
    name="test-rebuildable",
    table_setting="BOOKS_TABLE_NAME",
    apply=_remember,
    rebuild=_rebuild,
    description="a projection for tests",
)
