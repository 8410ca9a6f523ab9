"""The order confirmation email (Django's email framework)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


def order_confirmation_send(*, order, email, name=""):
    """Send the confirmation once, after the order is written. A mail fault is logged, not
    raised: the order stands and its page shows everything the email would."""
    if not email:
        return False
    context = {"order": order, "name": name}
    subject = f"Your CloudShelf order {order.number}"
    body = render_to_string("store/orders/email/confirmation.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except Exception:
        log.exception("confirmation email for %s failed", order.order_id)
        return False
    return True
