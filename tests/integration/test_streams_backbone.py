"""The event backbone against the emulator: stream records reach the projections, in
order, once per delivery round, from wherever the change was written."""

from io import StringIO

import boto3
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from cloudshelf.streams import lambda_handler, local
from cloudshelf.streams.models import DEAD_LETTER_PK, DeadLetter
from cloudshelf.streams.positions import position_get
from tests import streams_fixtures

RECORDER = ["tests.streams_fixtures.recorder"]


@pytest.fixture
def recorded(tables):
    local.deliver_pending()  # whatever the tables' set-up left in the streams
    streams_fixtures.SEEN.clear()
    streams_fixtures.FAIL_ON.clear()
    with override_settings(STREAM_PROJECTIONS=RECORDER):
        yield streams_fixtures.SEEN


def _boto_put(book_id, stock=3):
    client = boto3.client(
        "dynamodb",
        region_name=settings.AWS_REGION,
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    client.put_item(
        TableName=settings.BOOKS_TABLE_NAME,
        Item={
            "category": {"S": "Poetry"},
            "book_id": {"S": book_id},
            "title": {"S": "Console Book"},
            "stock_quantity": {"N": str(stock)},
        },
    )
    return client


def test_a_write_made_outside_the_app_reaches_the_projections(recorded):
    _boto_put("con-001")
    assert local.deliver_pending() == 1
    assert [(event, book) for event, book, _ in recorded] == [("INSERT", "con-001")]


def test_changes_arrive_in_the_order_they_were_written(recorded, make_book):
    book = make_book(book_id="ord-001")
    book.update(actions=[type(book).stock_quantity.set(1)])
    book.delete()
    local.deliver_pending()
    assert [event for event, *_ in recorded] == ["INSERT", "MODIFY", "REMOVE"]


def test_a_second_delivery_round_delivers_nothing_again(recorded):
    _boto_put("con-002")
    local.deliver_pending()
    assert local.deliver_pending() == 0
    assert len(recorded) == 1


def test_the_position_survives_a_new_reader(recorded):
    _boto_put("con-003")
    local.deliver_pending()
    position = position_get(settings.BOOKS_TABLE_NAME)
    assert position is not None and position.shards
    # A reader that forgets everything in memory starts from the kept position.
    _boto_put("con-004")
    local.deliver_pending()
    assert [book for _, book, _ in recorded] == ["con-003", "con-004"]


@override_settings(STREAM_PROJECTIONS=[*RECORDER, "tests.streams_fixtures.failing"])
def test_a_failing_projection_leaves_a_dead_letter_and_the_others_current(recorded):
    streams_fixtures.FAIL_ON.add("bad-001")
    _boto_put("bad-001")
    _boto_put("good-001")
    local.deliver_pending()
    assert [book for _, book, _ in recorded] == ["bad-001", "good-001"]
    letters = list(DeadLetter.query(DEAD_LETTER_PK))
    assert [(d.projection, d.keys) for d in letters] == [
        ("test-failing", '{"book_id": "bad-001", "category": "Poetry"}')
    ]
    assert "forced failure" in letters[0].error
    assert local.deliver_pending() == 0  # the shard is not blocked by the bad record


@override_settings(STREAM_PROJECTIONS=[*RECORDER, "tests.streams_fixtures.failing"])
def test_a_dead_letter_is_applied_by_replay_once_the_fault_is_gone(recorded):
    streams_fixtures.FAIL_ON.add("bad-002")
    _boto_put("bad-002")
    local.deliver_pending()
    assert DeadLetter.count(DEAD_LETTER_PK) == 1
    call_command("replay_dead_letters", stdout=StringIO())
    assert DeadLetter.count(DEAD_LETTER_PK) == 1  # still failing: kept, attempts counted
    assert next(DeadLetter.query(DEAD_LETTER_PK)).attempts == 4
    streams_fixtures.FAIL_ON.clear()
    out = StringIO()
    call_command("replay_dead_letters", stdout=out)
    assert "1 of 1 applied" in out.getvalue()
    assert DeadLetter.count(DEAD_LETTER_PK) == 0


def _lambda_event(changes):
    """The records as Lambda's event source mapping hands them over."""
    arn = f"arn:aws:dynamodb:us-east-1:123456789012:table/{settings.BOOKS_TABLE_NAME}/stream/x"
    records = []
    for change in changes:
        record = dict(change.record)
        record["eventSourceARN"] = arn
        record["dynamodb"] = {
            **record["dynamodb"],
            "ApproximateCreationDateTime": change.created_at.timestamp(),
        }
        records.append(record)
    return {"Records": records}


@override_settings(STREAM_PROJECTIONS=[*RECORDER, "tests.streams_fixtures.failing"])
def test_the_lambda_handler_delivers_a_batch_and_reports_no_failed_record(recorded):
    streams_fixtures.FAIL_ON.add("bad-003")
    _boto_put("bad-003")
    _boto_put("good-003")
    changes = []
    with override_settings(STREAM_PROJECTIONS=[]):
        local.deliver_pending(collect=changes)  # read the records, deliver them to no one
    answer = lambda_handler.handler(_lambda_event(changes), None)
    assert answer == {"batchItemFailures": []}
    assert [book for _, book, _ in recorded] == ["bad-003", "good-003"]
    assert DeadLetter.count(DEAD_LETTER_PK) == 1
    position = position_get(settings.BOOKS_TABLE_NAME)
    assert position.delivered >= 2 and position.lag_seconds is not None


@override_settings(STREAM_PROJECTIONS=["tests.streams_fixtures.rebuildable"])
def test_rebuild_projections_runs_the_named_rebuild_and_honours_dry_run(tables):
    streams_fixtures.REBUILT.clear()
    out = StringIO()
    call_command("rebuild_projections", "test-rebuildable", "--dry-run", stdout=out, stderr=out)
    call_command("rebuild_projections", stdout=out, stderr=out)
    assert streams_fixtures.REBUILT == [True, False]
    assert "would write 0 items" in out.getvalue() and "wrote 2 items" in out.getvalue()


def test_rebuild_projections_refuses_an_unknown_name(tables):
    with pytest.raises(CommandError, match="no projection named nope"):
        call_command("rebuild_projections", "nope", stdout=StringIO())
