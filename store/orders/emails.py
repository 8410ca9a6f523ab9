"""The order confirmation email (Django's email framework), sent by the
order-confirmation-email projection (store/orders/projections.py) once the order is
written, exactly once per order."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from store.orders.models import Order


def order_confirmation_send(*, order: Order, email: str, name: str = "", link: str = "") -> None:
    """Send the confirmation of ``order`` to ``email``. A mail fault is raised, so that
    the projection releases its claim and the stream delivers the email again."""
    context = {"order": order, "name": name, "link": link}
    subject = f"Your CloudShelf order {order.number}"
    body = render_to_string("store/orders/email/confirmation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False)
