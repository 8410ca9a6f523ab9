"""Back-in-stock subscriptions and their sent markers, in the projections table."""

from django.conf import settings
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from cloudshelf.dynamo import IntegerAttribute, table_meta

ALERT_SENT_PK = "stock-alert-sent"
PENDING, CONFIRMED = "pending", "confirmed"


def alert_pk(book_id: str) -> str:
    return f"stock-alert#{book_id}"


class StockAlert(Model):
    """One address waiting for one book (``pk`` is ``stock-alert#<book_id>``, ``sk`` a hash
    of the address, so subscribing twice is one subscription). ``nonce`` is new for each
    subscription: its links name it, and its email's sent marker too."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    email = UnicodeAttribute()
    category = UnicodeAttribute()
    book_id = UnicodeAttribute()
    state = UnicodeAttribute(default=PENDING)
    nonce = UnicodeAttribute()
    created_at = IntegerAttribute()  # epoch seconds
    confirmed_at = IntegerAttribute(null=True)


class AlertSent(Model):
    """The alert of one subscription (``sk`` is ``book_id#address hash#nonce``): ``sending``
    while a delivery holds the claim (until ``claimed_until``), then ``sent``."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=ALERT_SENT_PK)
    sk = UnicodeAttribute(range_key=True)
    state = UnicodeAttribute()
    claim = UnicodeAttribute(null=True)
    claimed_until = IntegerAttribute(null=True)
