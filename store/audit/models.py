"""The audit trail: one item per change made by staff (or by an import), in its own table."""

import json
import uuid
from datetime import UTC, datetime

from django.conf import settings
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from cloudshelf.dynamo import IntegerAttribute, IsoDateTimeAttribute, table_meta


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
