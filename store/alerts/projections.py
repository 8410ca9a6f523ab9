"""The stock-alerts projection (books stream): when a book's stock goes from zero (or
less) to more than zero, whoever wrote it, every confirmed subscriber gets one email, and
the subscription ends.

Exactly once per subscription: before sending, a conditional PutItem claims the
subscription's marker (AlertSent, keyed by its nonce); a record delivered again finds the
marker ``sent`` and sends nothing. A mail fault releases the claim and raises, so the
dispatcher retries and keeps a dead letter (replayed later). Subscriptions made after
the restock (beyond a minute of clock slack) wait for the next one."""

import logging
import time
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from pynamodb.exceptions import DeleteError, PutError

from cloudshelf.dynamo import utcnow
from cloudshelf.dynamo_errors import is_conditional_failure
from cloudshelf.streams.projections import Projection
from cloudshelf.streams.records import MODIFY, Change, image_number
from store.alerts.models import (
    ALERT_SENT_PK,
    CONFIRMED,
    AlertSent,
    StockAlert,
    alert_pk,
)
from store.alerts.services import unsubscribe_link
from store.catalog.models import Book

log = logging.getLogger(__name__)

SENDING, SENT = "sending", "sent"
CLAIM_SECONDS = 300
CLOCK_SLACK_SECONDS = 60


class AlertClaimHeld(Exception):
    """Another delivery is sending this alert right now: try later."""


def _stock(image: dict | None) -> Decimal:
    return image_number(image, "stock_quantity")


def stock_alerts_wants(change: Change) -> bool:
    """A book whose stock went from zero or less to more than zero."""
    return (
        change.event_name == MODIFY
        and change.old is not None
        and change.new is not None
        and _stock(change.old) <= 0 < _stock(change.new)
    )


def _claim(sk: str) -> str | None:
    token, now = uuid.uuid4().hex, int(time.time())
    try:
        AlertSent(sk=sk, state=SENDING, claim=token, claimed_until=now + CLAIM_SECONDS).save(
            condition=AlertSent.sk.does_not_exist()
            | ((AlertSent.state == SENDING) & (AlertSent.claimed_until < now))
        )
        return token
    except PutError as error:
        if not is_conditional_failure(error):
            raise
    try:
        marker = AlertSent.get(ALERT_SENT_PK, sk, consistent_read=True)
    except AlertSent.DoesNotExist:
        marker = None
    if marker is not None and marker.state == SENT:
        return None
    raise AlertClaimHeld(f"the stock alert {sk} is being sent by another delivery")


def _end(alert: StockAlert) -> None:
    try:
        alert.delete(condition=StockAlert.nonce == alert.nonce)
    except DeleteError as error:
        if not is_conditional_failure(error):
            raise


def stock_alert_send(*, alert: StockAlert, book: Book) -> None:
    context = {
        "book": book,
        "book_url": f"{settings.SITE_URL.rstrip('/')}/books/{book.category}/{book.book_id}/",
        "unsubscribe_url": unsubscribe_link(alert),
    }
    body = render_to_string("store/alerts/email/back_in_stock.txt", context)
    send_mail(
        f"{book.title} is back in stock",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [alert.email],
        fail_silently=False,
    )


def stock_alerts_apply(change: Change) -> None:
    """Email every confirmed subscriber of the restocked book once, then end their
    subscriptions. Costs one consistent Query of the book's subscriptions and, per
    subscriber, a claim PutItem, the email, a PutItem (sent) and a DeleteItem."""
    book = change.new_as(Book)
    if book is None:
        return
    restocked_at = change.created_at.timestamp() if change.created_at else time.time()
    for alert in StockAlert.query(alert_pk(book.book_id), consistent_read=True):
        if alert.state != CONFIRMED:
            continue
        if (alert.confirmed_at or 0) > restocked_at + CLOCK_SLACK_SECONDS:
            continue  # subscribed after this restock
        sk = f"{book.book_id}#{alert.sk}#{alert.nonce}"
        token = _claim(sk)
        if token is not None:
            try:
                stock_alert_send(alert=alert, book=book)
            except Exception:
                AlertSent(ALERT_SENT_PK, sk).delete(condition=AlertSent.claim == token)
                raise
            AlertSent(sk=sk, state=SENT, claim=token).save()
            log.info("stock alert sent for %s at %s", book.book_id, utcnow())
        _end(alert)


stock_alerts = Projection(
    name="stock-alerts",
    table_setting="BOOKS_TABLE_NAME",
    apply=stock_alerts_apply,
    rebuild=None,  # emails are never sent again from the tables
    wants=stock_alerts_wants,
    description="back-in-stock emails, once per subscription (nothing to rebuild)",
)
