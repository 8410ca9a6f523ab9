"""The dashboard's figures, from OrderDateIndex.

The index is keyed by one date per partition, so a day costs one Query (more only when a
day's orders pass 1 MB): the 30-day chart is 30 Queries, today's figures come from the
same Query as today's bar. The Queries run on a few threads; each asks only for the
order's total, status and lines.

Books low on stock: the low-stock projection's items (store/catalog/projections.py), one
Query."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from store.catalog.selectors import low_stock_list
from store.orders.models import Order

CHART_DAYS = 30
QUERY_THREADS = 6
CANCELLED = "cancelled"


@dataclass
class DayFigures:
    day: object
    orders: int = 0
    revenue: Decimal = Decimal("0.00")
    cancelled: int = 0
    statuses: dict = field(default_factory=dict)
    sold: dict = field(default_factory=dict)  # {(category, book_id): None}, in order


def day_figures(day):
    """Orders of one day (one Query): counted and summed, cancelled ones apart."""
    figures = DayFigures(day=day)
    for order in Order.order_date_index.query(
        day.isoformat(), scan_index_forward=False, attributes_to_get=["total", "status", "items"]
    ):
        figures.statuses[order.status] = figures.statuses.get(order.status, 0) + 1
        if order.status == CANCELLED:
            figures.cancelled += 1
            continue
        figures.orders += 1
        figures.revenue += order.total
        figures.sold.update(
            {(line.category, line.book_id): None for line in order.items if line.category}
        )
    return figures


def recent_days(*, today, days=CHART_DAYS):
    """Figures for ``days`` days ending with ``today``, oldest first: ``days`` Queries."""
    wanted = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    with ThreadPoolExecutor(max_workers=QUERY_THREADS) as pool:
        return list(pool.map(day_figures, wanted))


def dashboard(*, today):
    """Everything the dashboard shows: 30 Queries, and one Query for the low-stock list."""
    days = recent_days(today=today)
    return {"today": days[-1], "days": days, "low_books": low_stock_list()}
