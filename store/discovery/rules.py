"""Which orders count as sales, and how many books each list holds. One place to adjust
when order statuses change (payments: "awaiting payment", then paid)."""

from typing import Any

#: Statuses of an order whose copies count as sold. "awaiting payment" does not count;
#: cancelled and refunded orders are uncounted again.
COUNTED_STATUSES = frozenset({"confirmed", "paid", "shipped", "delivered"})

BEST_SELLERS_SHOWN = 10
NEW_RELEASES_SHOWN = 12
ALSO_BOUGHT_SHOWN = 8
#: The category page's best sellers: this window's list, its first few books.
CATEGORY_BEST_SELLERS_DAYS = 30
CATEGORY_BEST_SELLERS_SHOWN = 5
#: A co-purchase shown must have been seen in at least this many orders.
ALSO_BOUGHT_MIN_ORDERS = 1
WINDOWS = (7, 30)
CANDIDATES = 40  # ranked books read to fill a list after the hidden/sold-out are left out


def order_counts(order: Any) -> bool:
    """Does this order's copies count as sold now?"""
    return order is not None and (order.status or "") in COUNTED_STATUSES
