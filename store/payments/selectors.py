"""Reading the payments' setting (store/payments/models.py)."""

from django.conf import settings

from store.payments.models import PAYMENTS_SK, SETTINGS_PK, PaymentSettings


def payment_settings_get(*, consistent_read: bool = False) -> PaymentSettings | None:
    try:
        return PaymentSettings.get(SETTINGS_PK, PAYMENTS_SK, consistent_read=consistent_read)
    except PaymentSettings.DoesNotExist:
        return None


def payment_time_limit_minutes() -> int:
    """How long an unpaid order holds its stock, in minutes: what staff set (ONE GetItem),
    else settings.PAYMENT_TIME_LIMIT_MINUTES. Read where the expiry is stamped on an order
    and once per sweep, nowhere else."""
    item = payment_settings_get()
    if item is None or not item.time_limit_minutes:
        return settings.PAYMENT_TIME_LIMIT_MINUTES
    return item.time_limit_minutes
