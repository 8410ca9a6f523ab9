"""The DynamoDB error helpers, without DynamoDB: what counts as a condition failing."""

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError

from cloudshelf import dynamo_errors


def client_error(code):
    return ClientError({"Error": {"Code": code, "Message": code}}, "UpdateItem")


def test_a_refused_condition_is_a_conditional_failure():
    error = UpdateError("failed", client_error("ConditionalCheckFailedException"))
    assert dynamo_errors.is_conditional_failure(error)


def test_throttling_is_not_a_conditional_failure():
    error = PutError("failed", client_error("ProvisionedThroughputExceededException"))
    assert not dynamo_errors.is_conditional_failure(error)


def test_a_timeout_is_not_a_conditional_failure():
    error = UpdateError("failed", ReadTimeoutError(endpoint_url="http://x"))
    assert not dynamo_errors.is_conditional_failure(error)


def test_a_transaction_refused_as_a_whole_names_no_action():
    error = TransactWriteError("failed", client_error("ThrottlingException"))
    assert dynamo_errors.cancellation_codes(error) == {}
    assert not dynamo_errors.failed_actions(error)
    assert not dynamo_errors.is_conflict(error)


def test_retry_pause_stays_within_its_bounds(monkeypatch):
    slept = []
    monkeypatch.setattr(dynamo_errors.time, "sleep", slept.append)
    for attempt in range(5):
        dynamo_errors.retry_pause(attempt, low=0.01, high=0.05)
    assert all(0.01 * (n + 1) <= s <= 0.05 * (n + 1) for n, s in enumerate(slept))


def throttled(*args, **kwargs):
    raise UpdateError("failed", client_error("ProvisionedThroughputExceededException"))


def no_scan(*args, **kwargs):
    raise AssertionError("fell back to a full Scan")


def test_a_throttled_count_update_is_raised_not_retried_as_a_race(monkeypatch):
    from store.catalog import projections
    from store.catalog.models import CatalogMember, CatalogSummary

    def refused_transaction():
        raise TransactWriteError("failed", client_error("ThrottlingException"))

    def no_marker(*args, **kwargs):
        raise CatalogMember.DoesNotExist()

    monkeypatch.setattr(CatalogMember, "get", no_marker)
    monkeypatch.setattr(projections, "transaction", refused_transaction)
    with pytest.raises(TransactWriteError):
        projections._membership_apply(
            CatalogSummary(categories={}), "Technology", "tech-001", counted=True
        )


def test_a_throttled_featured_update_is_raised_not_answered_by_a_rebuild(monkeypatch):
    from datetime import UTC, datetime
    from decimal import Decimal

    from store.catalog import projections
    from store.catalog.models import Book, CatalogSummary

    book = Book(
        "Technology",
        "tech-001",
        title="T",
        author="A",
        price=Decimal("1.00"),
        stock_quantity=3,
        updated_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    current = CatalogSummary(featured=[], featured_version=1)
    monkeypatch.setattr(CatalogSummary, "update", throttled)
    monkeypatch.setattr(projections, "catalog_summary_rebuild", no_scan)
    with pytest.raises(UpdateError):
        projections._featured_apply(current, book, ("Technology", "tech-001"))
