"""Staff changes to orders, through the order services (store/orders/services.py), with
an audit entry for the order and, for a cancellation, one for each book put back in stock.

The order services run their own transaction (a cancellation restores the stock in it),
so the audit entries are written right after it succeeds, in one BatchWriteItem."""

from cloudshelf.dynamo import utcnow
from store.orders.services import CANCELLED, NEXT_STATUSES, order_status_change
from store.staff.models import AuditEntry, book_subject, order_subject

# Each allowed move has exactly one status it comes from.
PREVIOUS = {new: old for old, moves in NEXT_STATUSES.items() for new in moves}


def next_statuses(order):
    """The statuses staff may move ``order`` to now."""
    return NEXT_STATUSES.get(order.status, ())


def order_status_set(*, user_id, order_id, status, actor):
    """Move an order on (raises the order services' OrderStatusConflict, OrderNotFound)."""
    order = order_status_change(user_id=user_id, order_id=order_id, status=status)
    now = utcnow()
    entries = [
        AuditEntry.new(
            subject=order_subject(user_id, order_id),
            action="order.status",
            actor=actor,
            at=now,
            changes={"status": [PREVIOUS.get(status), status]},
        )
    ]
    if status == CANCELLED:
        entries += [
            AuditEntry.new(
                subject=book_subject(line.category, line.book_id),
                action="order.cancel.restock",
                actor=actor,
                at=now,
                delta=line.quantity,
                reason=f"order {order_id} cancelled",
            )
            for line in order.items
            if line.category
        ]
    with AuditEntry.batch_write() as batch:
        for entry in entries:
            batch.save(entry)
    return order
