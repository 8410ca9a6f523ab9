"""Reads of the audit trail."""

from store.audit.models import AuditEntry, book_subject, order_subject

AUDIT_LIMIT = 50
MAX_MOVES_FOLLOWED = 3


def book_audit_list(*, category: str, book_id: str) -> list[AuditEntry]:
    """A book's audit entries, newest first (one Query), then those from before each
    move from another category (one more Query per move, three at most)."""
    entries: list[AuditEntry] = []
    seen: set[str] = set()
    while category not in seen and len(seen) <= MAX_MOVES_FOLLOWED:
        seen.add(category)
        found = list(
            AuditEntry.query(
                book_subject(category, book_id),
                scan_index_forward=False,
                limit=AUDIT_LIMIT - len(entries),
            )
        )
        # Each move is recorded under both keys: show it once, where the book arrived.
        entries += [
            e
            for e in found
            if not (
                entries and e.action == "book.move" and e.change_map["category"][0] == category
            )
        ]
        arrivals = [
            e.change_map["category"][0]
            for e in found
            if e.action == "book.move" and e.change_map["category"][1] == category
        ]
        if not arrivals or len(entries) >= AUDIT_LIMIT:
            break
        category = arrivals[0]
    return entries


def order_audit_list(*, user_id: str, order_id: str) -> list[AuditEntry]:
    return list(
        AuditEntry.query(
            order_subject(user_id, order_id), scan_index_forward=False, limit=AUDIT_LIMIT
        )
    )
