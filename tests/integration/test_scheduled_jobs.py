"""The scheduled jobs' Lambda entry (cloudshelf.jobs, started by deploy/streams.yaml's
EventBridge rules) runs each job's command against the emulator, and every AWS request it
makes is allowed by the jobs' own role, which the site's role could not stand in for."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from cloudshelf import jobs
from cloudshelf.dynamo import utcnow
from store.catalog.models import Book
from store.discovery import selectors
from store.discovery.projections import best_sellers_refresh
from store.orders.models import Order, OrderLine
from store.payments import gateway
from tests.deploy_templates import RolePolicy, jobs_policy
from tests.integration.test_lambda_role_policy import (  # noqa: F401 (fixture)
    as_in_production,
    recorded_aws_requests,
    refused,
)
from tests.integration.test_payments import clean_code, placed  # noqa: F401 (fixtures)
from tests.payments_fixtures import card


def stored(order):
    return Order.get(order.user_id, order.order_id, consistent_read=True)


def test_sweep_job_releases_an_unpaid_order_past_its_limit(as_in_production, placed, clean_code):  # noqa: F811
    reserved = Book.get(clean_code.category, clean_code.book_id, consistent_read=True)
    placed.update(actions=[Order.payment_expires_at.set(utcnow() - timedelta(minutes=1))])
    with recorded_aws_requests() as calls:
        answer = jobs.handler({"job": "sweep_payments"})
    assert answer["job"] == "sweep_payments"
    assert "released 1 unpaid past the time limit" in answer["output"]
    assert stored(placed).status == "payment_failed"
    book = Book.get(clean_code.category, clean_code.book_id, consistent_read=True)
    assert book.stock_quantity == reserved.stock_quantity + 1
    assert refused(calls, jobs_policy()) == []
    # The site's role may not Scan the orders table (personal data): the sweep needs its own.
    assert (
        "dynamodb:Scan",
        "arn:aws:dynamodb:us-east-1:123456789012:table/cloudshelf-orders",
    ) in (refused(calls, RolePolicy()))


def test_sweep_job_confirms_a_payment_whose_webhook_never_came(as_in_production, placed):  # noqa: F811
    gateway.intent_pay(
        intent_id=placed.payment_intent_id,
        payment_method=card(),
        user_id=placed.user_id,
        order_id=placed.order_id,
        key="paid-while-offline",
    )
    with recorded_aws_requests() as calls:
        answer = jobs.handler({"job": "sweep_payments"})
    assert "confirmed 1 paid orders" in answer["output"]
    assert stored(placed).status == "confirmed"
    assert refused(calls, jobs_policy()) == []


DISCOVERY_ONLY = [
    "store.discovery.projections.discovery_sales",
    "store.discovery.projections.discovery_books",
]


def test_refresh_job_moves_the_7_day_window_without_a_scan(
    as_in_production,  # noqa: F811
    make_book,
    make_order_record,
    streams,
):
    book = make_book(category="Technology", book_id="t-old", title="Last Week", price=Decimal(9))
    today = utcnow().date()
    with override_settings(STREAM_PROJECTIONS=DISCOVERY_ONLY):
        line = OrderLine(
            book_id=book.book_id,
            category=book.category,
            title=book.title,
            price=book.price,
            quantity=1,
        )
        make_order_record(items=[line], order_date=(today - timedelta(days=7)).isoformat())
        streams.deliver()
    # The lists as the last change, two days ago, left them: the sale is still in the 7 days.
    best_sellers_refresh(as_of=today - timedelta(days=2))
    assert [e.book_id for e in selectors.best_sellers_get(days=7)] == ["t-old"]
    with recorded_aws_requests() as calls:
        answer = jobs.handler({"job": "refresh_best_sellers"})
    assert f"best sellers as of {today.isoformat()}" in answer["output"]
    assert selectors.best_sellers_get(days=7) == []
    assert [e.book_id for e in selectors.best_sellers_get(days=30)] == ["t-old"]
    assert "Scan" not in {operation for _, operation, _ in calls}
    assert refused(calls, jobs_policy()) == []


@pytest.mark.parametrize("event", [{}, {"job": "flush"}, {"job": "rebuild_projections"}, None])
def test_an_event_naming_no_known_job_fails_and_runs_nothing(tables, event):
    with recorded_aws_requests() as calls, pytest.raises(jobs.UnknownJob, match="Unknown job"):
        jobs.handler(event)
    assert calls == []
