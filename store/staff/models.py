"""What staff pages add to the data: an audit trail table, and a watch list of books low on
stock kept beside the books (an item, not an index: the seed's tables keep their schema)."""

import json
import uuid
from datetime import UTC, datetime

from django.conf import settings
from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.models import Model

from cloudshelf.dynamo import IntegerAttribute, IsoDateTimeAttribute, table_meta
from store.models import RESERVED_CATEGORY_PREFIX


def book_subject(category, book_id):
    return f"book#{category}#{book_id}"


def order_subject(user_id, order_id):
    return f"order#{user_id}#{order_id}"


IMPORT_SUBJECT = "import"


class AuditEntry(Model):
    """One change made by staff: who, when, what, why. Newest last within a subject."""

    Meta = table_meta(settings.AUDIT_TABLE_NAME)

    subject = UnicodeAttribute(hash_key=True)
    # "2025-09-05T10:00:00.123456Z#1a2b3c4d": sorts by time, unique under races.
    entry_id = UnicodeAttribute(range_key=True)
    action = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    actor_email = UnicodeAttribute(default="")
    at = IsoDateTimeAttribute()
    reason = UnicodeAttribute(default="")
    delta = IntegerAttribute(null=True)
    stock_before = IntegerAttribute(null=True)
    stock_after = IntegerAttribute(null=True)
    # {field: [old, new]} as JSON text, values as strings: exact and readable.
    changes = UnicodeAttribute(default="{}")

    @classmethod
    def new(cls, *, subject, action, actor, at, changes=None, **fields):
        entry_id = f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%S.%fZ}#{uuid.uuid4().hex[:8]}"
        return cls(
            subject,
            entry_id,
            action=action,
            actor_id=actor.user_id,
            actor_email=actor.email or "",
            at=at,
            changes=json.dumps(changes or {}, sort_keys=True, default=str),
            **fields,
        )

    @property
    def change_map(self):
        return json.loads(self.changes)

    @property
    def change_list(self):
        """``[(field, old, new)]`` for templates."""
        return [(field, *values) for field, values in sorted(self.change_map.items())]


class StockWatch(Model):
    """Books whose stock was last seen at or under LOW_STOCK_THRESHOLD, as
    ``{"<category>#<book_id>": stock}``. Staff stock services keep it; the dashboard
    re-reads the listed books, so a restocked book never shows; a full recount (one Scan)
    repairs anything changed behind its back."""

    Meta = table_meta(settings.BOOKS_TABLE_NAME)
    KEY = (RESERVED_CATEGORY_PREFIX + "staff", "low-stock")

    category = UnicodeAttribute(hash_key=True, default=KEY[0])
    book_id = UnicodeAttribute(range_key=True, default=KEY[1])
    books = MapAttribute(default=dict)
    counted_at = IsoDateTimeAttribute(null=True)
    updated_at = IsoDateTimeAttribute(null=True)
