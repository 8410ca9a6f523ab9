"""Back-in-stock subscriptions: subscribe (confirmed at once for a signed-in shopper's
account address, by a signed link otherwise), confirm, unsubscribe. The confirmation email
is sent here, inline, while the visitor waits (nothing on a stream would carry it: the
subscriptions live in the projections table, which has none); the alert itself is sent by
the stock-alerts projection of the books stream (projections.py)."""

import hashlib
import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from pynamodb.exceptions import DeleteError, PutError, UpdateError

from cloudshelf.dynamo_errors import is_conditional_failure
from cloudshelf.errors import ApplicationError
from store.alerts.models import CONFIRMED, PENDING, StockAlert, alert_pk
from store.catalog.models import Book

log = logging.getLogger(__name__)

CONFIRM_SALT = "cloudshelf.stock-alert.confirm"
UNSUBSCRIBE_SALT = "cloudshelf.stock-alert.unsubscribe"


class AlertLinkInvalid(ApplicationError):
    message = "This link is not valid, or has expired."
    status_code = 400


class ConfirmationNotSent(ApplicationError):
    message = (
        "We could not send the confirmation email just now. Please try again in a few "
        "minutes: your alert waits for its link."
    )
    status_code = 503


def address_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _token(alert: StockAlert, salt: str) -> str:
    return signing.dumps([alert.book_id, alert.sk, alert.nonce], salt=salt, compress=True)


def alert_link(alert: StockAlert, *, name: str, salt: str) -> str:
    path = reverse(name, args=[_token(alert, salt)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def unsubscribe_link(alert: StockAlert) -> str:
    return alert_link(alert, name="store:stock-alert-unsubscribe", salt=UNSUBSCRIBE_SALT)


def _confirmation_send(alert: StockAlert, book: Book) -> None:
    context: dict[str, Any] = {
        "book": book,
        "confirm_url": alert_link(alert, name="store:stock-alert-confirm", salt=CONFIRM_SALT),
        "unsubscribe_url": unsubscribe_link(alert),
    }
    body = render_to_string("store/alerts/email/confirm.txt", context)
    try:
        send_mail(
            f"Confirm your alert for {book.title}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [alert.email],
            fail_silently=False,
        )
    except Exception as error:  # any backend (SES, SMTP) and any fault of it
        log.exception("could not send the stock alert confirmation for %s", book.book_id)
        raise ConfirmationNotSent() from error


def stock_alert_subscribe(*, book: Book, email: str, verified: bool) -> StockAlert:
    """Subscribe ``email`` to the book's return. ``verified`` (the signed-in shopper's
    own address) confirms at once; otherwise a confirmation link is emailed now, inline
    (ConfirmationNotSent when the mail service fails: the subscription stays pending).
    Subscribing again keeps the one subscription (a pending one gets its link again)."""
    now = int(time.time())
    alert = StockAlert(
        pk=alert_pk(book.book_id),
        sk=address_hash(email),
        email=email.strip(),
        category=book.category,
        book_id=book.book_id,
        state=CONFIRMED if verified else PENDING,
        nonce=uuid.uuid4().hex,
        created_at=now,
        confirmed_at=now if verified else None,
    )
    try:
        alert.save(condition=StockAlert.sk.does_not_exist())
    except PutError as error:
        if not is_conditional_failure(error):
            raise
        alert = StockAlert.get(alert.pk, alert.sk, consistent_read=True)
        if verified and alert.state == PENDING:
            stock_alert_confirm_item(alert)
            return alert
    if alert.state == PENDING:
        _confirmation_send(alert, book)
    return alert


def _read_token(token: str, salt: str, max_age: int | None = None) -> tuple[str, str, str]:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature as error:
        raise AlertLinkInvalid() from error
    if not (
        isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value)
    ):
        raise AlertLinkInvalid()
    return value[0], value[1], value[2]


def stock_alert_confirm_item(alert: StockAlert) -> None:
    try:
        alert.update(
            actions=[
                StockAlert.state.set(CONFIRMED),
                StockAlert.confirmed_at.set(int(time.time())),
            ],
            condition=StockAlert.nonce == alert.nonce,
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            raise AlertLinkInvalid() from error
        raise


def stock_alert_confirm(*, token: str) -> StockAlert:
    """Confirm the subscription the link names (a second click changes nothing)."""
    book_id, sk, nonce = _read_token(
        token, CONFIRM_SALT, max_age=settings.STOCK_ALERT_CONFIRM_MAX_AGE
    )
    try:
        alert = StockAlert.get(alert_pk(book_id), sk, consistent_read=True)
    except StockAlert.DoesNotExist as error:
        raise AlertLinkInvalid() from error
    if alert.nonce != nonce:
        raise AlertLinkInvalid()
    if alert.state != CONFIRMED:
        stock_alert_confirm_item(alert)
    return alert


def stock_alert_unsubscribe(*, token: str) -> str:
    """End the subscription the link names; returns its book id. Unsubscribing from a
    subscription already ended is not an error (the link may be clicked twice)."""
    book_id, sk, nonce = _read_token(token, UNSUBSCRIBE_SALT)
    try:
        StockAlert(pk=alert_pk(book_id), sk=sk).delete(condition=StockAlert.nonce == nonce)
    except DeleteError as error:
        if not is_conditional_failure(error):
            raise
    return book_id
