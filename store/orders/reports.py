"""The dashboard's figures, from the daily-sales projection (store/orders/projections.py):
the 30-day chart and today's figures are ONE Query of the day items.

Books low on stock: the low-stock projection's items (store/catalog/projections.py), one
Query."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from store.catalog.selectors import low_stock_list
from store.orders.models import SalesDay
from store.orders.selectors import sales_days_list

CHART_DAYS = 30


@dataclass
class DayFigures:
    day: date
    orders: int = 0
    revenue: Decimal = Decimal("0.00")
    cancelled: int = 0
    statuses: dict = field(default_factory=dict)
    sold: dict = field(default_factory=dict)  # {(category, book_id): copies}

    @classmethod
    def of_item(cls, day: date, item: SalesDay | None) -> "DayFigures":
        if item is None:
            return cls(day=day)
        sold = {}
        for key, copies in item.copies.as_dict().items():
            category, book_id = key.split("#", 1)
            if category and copies:
                sold[(category, book_id)] = int(copies)
        return cls(
            day=day,
            orders=item.orders,
            revenue=Decimal(item.revenue),
            cancelled=item.cancellations,
            statuses={k: int(n) for k, n in item.statuses.as_dict().items() if n},
            sold=sold,
        )


def recent_days(*, today: date, days: int = CHART_DAYS) -> list[DayFigures]:
    """Figures for ``days`` days ending with ``today``, oldest first: one Query."""
    first = today - timedelta(days=days - 1)
    kept = {item.sk: item for item in sales_days_list(first=first, last=today)}
    wanted = [first + timedelta(days=n) for n in range(days)]
    return [DayFigures.of_item(day, kept.get(day.isoformat())) for day in wanted]


def dashboard(*, today: date) -> dict:
    """Everything the dashboard shows: one Query for the 30 days, one for the low-stock
    list."""
    days = recent_days(today=today)
    return {"today": days[-1], "days": days, "low_books": low_stock_list()}
