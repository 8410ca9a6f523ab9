"""The dashboard's figures come from the daily-sales projection: known orders in, known
figures out."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from benchmarks.requestcount import record_dynamodb_calls
from cloudshelf.dynamo import utcnow
from store.catalog.models import Book
from store.orders import reports
from store.orders.models import SALES_DAY_PK


@pytest.fixture
def known_orders(make_order_record, streams):
    today = utcnow().date()
    make_order_record(order_date=today.isoformat(), total="52.42")
    make_order_record(order_date=today.isoformat(), total="10.00", user_id="user-other")
    make_order_record(order_date=today.isoformat(), total="99.00", status="cancelled")
    make_order_record(order_date=(today - timedelta(days=3)).isoformat(), total="20.00")
    make_order_record(order_date=(today - timedelta(days=40)).isoformat(), total="1000.00")
    streams.deliver()
    return today


def test_today_counts_orders_and_revenue_without_cancelled_ones(known_orders):
    figures = reports.dashboard(today=known_orders)["today"]
    assert (figures.orders, figures.revenue, figures.cancelled) == (2, Decimal("62.42"), 1)


def test_chart_covers_thirty_days_ending_today(known_orders):
    days = reports.dashboard(today=known_orders)["days"]
    assert len(days) == 30 and days[-1].day == known_orders
    assert days[0].day == known_orders - timedelta(days=29)
    assert {d.day: d.revenue for d in days if d.orders} == {
        known_orders: Decimal("62.42"),
        known_orders - timedelta(days=3): Decimal("20.00"),
    }


def test_dashboard_page_shows_the_figures(staff_client, known_orders):
    body = staff_client.get(reverse("staff:dashboard")).content.decode()
    assert 'data-figure="orders-today">2<' in body
    assert 'data-figure="revenue-today">$62.42<' in body
    assert 'class="chart__tip">' + f"{known_orders:%b %-d}: 2 orders<" in body


def test_dashboard_costs_one_query_for_thirty_days_and_no_scan(staff_client, known_orders):
    with record_dynamodb_calls() as calls:
        staff_client.get(reverse("staff:dashboard"))
    # Query: the 30 days, the streams' positions, the dead letters (counted), the low-stock
    # list. GetItem: the session and the user.
    assert dict(Counter(call.operation for call in calls)) == {"Query": 4, "GetItem": 2}
    queries = [call.params for call in calls if call.operation == "Query"]
    days = [q for q in queries if {"S": SALES_DAY_PK} in q["ExpressionAttributeValues"].values()]
    assert len(days) == 1 and "BETWEEN" in days[0]["KeyConditionExpression"]


def test_dashboard_lists_books_low_on_stock(staff_client, make_book, settings, streams):
    settings.LOW_STOCK_THRESHOLD = 5
    make_book(title="Nearly Gone", stock_quantity=2)
    make_book(title="Plenty Left", stock_quantity=50)
    streams.deliver()
    body = staff_client.get(reverse("staff:dashboard")).content.decode()
    assert "Nearly Gone" in body and "Plenty Left" not in body


def test_dashboard_lists_a_book_changed_low_outside_the_app(staff_client, make_book, streams):
    book = make_book(title="Sold Down", stock_quantity=40)
    streams.deliver()
    Book(book.category, book.book_id).update(actions=[Book.stock_quantity.set(1)])
    streams.deliver()
    body = staff_client.get(reverse("staff:dashboard")).content.decode()
    assert "Sold Down" in body


def test_dashboard_leaves_out_a_book_restocked_outside_the_app(staff_client, make_book, streams):
    book = make_book(title="Restocked Since", stock_quantity=1)
    streams.deliver()
    Book(book.category, book.book_id).update(actions=[Book.stock_quantity.add(50)])
    streams.deliver()
    body = staff_client.get(reverse("staff:dashboard")).content.decode()
    assert "Restocked Since" not in body


def test_dashboard_leaves_out_hidden_books_low_on_stock(staff_client, make_book, streams):
    make_book(title="Hidden and Low", stock_quantity=1, hidden=True)
    streams.deliver()
    body = staff_client.get(reverse("staff:dashboard")).content.decode()
    assert "Hidden and Low" not in body


def test_recount_lists_the_low_books_without_the_stream(staff_client, make_book):
    make_book(title="Nearly Gone", stock_quantity=2)
    response = staff_client.post(reverse("staff:low-stock-recount"), follow=True)
    assert "1 books are low on stock" in response.content.decode()
    assert "Nearly Gone" in response.content.decode()


def test_empty_store_dashboard_renders(staff_client, tables):
    response = staff_client.get(reverse("staff:dashboard"))
    assert response.status_code == 200
    assert "No book is low on stock" in response.content.decode()
