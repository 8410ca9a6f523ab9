"""The one place that talks to Stripe (the official SDK): real Stripe when its keys are
configured, the embedded localstripe otherwise (settings.STRIPE_API_BASE).

Every call that changes something carries an idempotency key derived from what it does
(the order, the attempt, the payment method), so a retried request (ours, or the SDK's own
network retries) never charges or refunds twice. Stripe's errors become PaymentError
subclasses that say what to tell the shopper; nothing here raises a bare SDK error.

The SDK (aiohttp and requests come with it: the largest import of a cold start) is
imported by the first call that talks to Stripe, not when the URLconf imports the views:
a page that takes no payment never loads it (tests/unit/test_startup_imports.py)."""

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from cloudshelf.errors import ApplicationError

if TYPE_CHECKING:
    import stripe

log = logging.getLogger(__name__)
# The SDK logs every request at INFO; its warnings and errors are enough.
logging.getLogger("stripe").setLevel(logging.WARNING)
WEBHOOK_TOLERANCE = 300  # seconds: Stripe's own default; an older signature is a replay


class PaymentError(ApplicationError):
    message = "The payment could not be made just now. Please try again."
    status_code = 503


class PaymentUnavailable(PaymentError):
    message = (
        "Card payments are unavailable just now; nothing was charged. "
        "Please try again in a few minutes."
    )


class CardDeclined(PaymentError):
    message = "Your card was declined. Please try another card."
    status_code = 402


class PaymentRefused(PaymentError):
    """Stripe refused the request as made (a bad payment method id, for example)."""

    message = "The payment could not be made with these details. Please try another card."
    status_code = 400


@dataclass(frozen=True)
class Intent:
    """What we read from a PaymentIntent (a Stripe object or a webhook's payload)."""

    id: str
    status: str
    amount: int
    currency: str
    client_secret: str
    metadata: dict
    error: str | None = None  # the last payment error's message, if any

    @classmethod
    def of(cls, obj: Any) -> "Intent":
        get = (
            obj.get
            if isinstance(obj, dict)
            else (lambda name, default=None: getattr(obj, name, default))
        )
        last_error = get("last_payment_error") or None
        if last_error is not None and not isinstance(last_error, dict):
            last_error = last_error.to_dict() if hasattr(last_error, "to_dict") else {}
        metadata = get("metadata") or {}
        if not isinstance(metadata, dict):
            metadata = metadata.to_dict() if hasattr(metadata, "to_dict") else dict(metadata)
        return cls(
            id=str(get("id")),
            status=str(get("status")),
            amount=int(get("amount") or 0),
            currency=str(get("currency") or ""),
            client_secret=str(get("client_secret") or ""),
            metadata={str(k): str(v) for k, v in metadata.items()},
            error=(last_error or {}).get("message") if last_error else None,
        )


def is_local() -> bool:
    return bool(settings.LOCALSTRIPE)


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def _http_client(timeout: float) -> Any:
    """requests with our timeout where it is installed; the Lambda package leaves requests
    out (zappa_settings.json), and the SDK's urllib client serves there."""
    import stripe

    try:
        import requests  # noqa: F401
    except ImportError:
        return stripe.UrllibClient()
    return stripe.RequestsClient(timeout=timeout)


@lru_cache(maxsize=4)
def _client_for(key: str, base: str | None, timeout: float) -> "stripe.StripeClient":
    import stripe

    options: dict[str, Any] = {
        "max_network_retries": 2,
        "http_client": _http_client(timeout),
    }
    if base:
        options["base_addresses"] = {"api": base}
    return stripe.StripeClient(key, **options)


def client() -> "stripe.StripeClient":
    if not is_configured():
        raise PaymentUnavailable()
    return _client_for(
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT
    )


def _call(what: str, function: Any, *args: Any, **kwargs: Any) -> Any:
    import stripe

    try:
        return function(*args, **kwargs)
    except stripe.CardError as error:
        raise CardDeclined(error.user_message or CardDeclined.message) from error
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        log.warning("stripe %s failed: %s", what, error)
        raise PaymentUnavailable() from error
    except stripe.AuthenticationError as error:
        log.error("stripe %s: the API key was refused: %s", what, error)
        raise PaymentUnavailable() from error
    except stripe.StripeError as error:
        log.warning("stripe %s refused: %s", what, error)
        raise PaymentRefused() from error


def intent_create(
    *, amount_cents: int, order_id: str, user_id: str, key: str, payment_method: str | None = None
) -> Intent:
    """A PaymentIntent for ``amount_cents`` (the order's total as computed on the server),
    tagged with the order; confirmed at once with ``payment_method`` when given."""
    params: dict[str, Any] = {
        "amount": amount_cents,
        "currency": settings.PAYMENT_CURRENCY,
        "payment_method_types": ["card"],
        "metadata": {"order_id": order_id, "user_id": user_id},
    }
    if payment_method:
        params.update(payment_method=payment_method, confirm=True)
        if not is_local():  # localstripe knows no return_url; Stripe wants one for 3-D Secure
            params["return_url"] = _return_url(user_id, order_id)
    obj = _call(
        "create",
        client().v1.payment_intents.create,
        params=params,
        options={"idempotency_key": key},
    )
    return Intent.of(obj)


def _return_url(user_id: str, order_id: str) -> str:
    from store.payments.links import payment_return_url

    return payment_return_url(user_id=user_id, order_id=order_id)


def intent_get(intent_id: str) -> Intent:
    return Intent.of(_call("retrieve", client().v1.payment_intents.retrieve, intent_id))


def intent_pay(
    *, intent_id: str, payment_method: str, user_id: str, order_id: str, key: str
) -> Intent:
    """Attach ``payment_method`` to the PaymentIntent and confirm it (two calls, each with
    its own idempotency key). A decline raises CardDeclined."""
    payments = client().v1.payment_intents
    _call(
        "update",
        payments.update,
        intent_id,
        params={"payment_method": payment_method},
        options={"idempotency_key": key + ":attach"},
    )
    params: dict[str, Any] = {}
    if not is_local():
        params["return_url"] = _return_url(user_id, order_id)
    obj = _call(
        "confirm",
        payments.confirm,
        intent_id,
        params=params,
        options={"idempotency_key": key + ":confirm"},
    )
    return Intent.of(obj)


def intent_cancel(*, intent_id: str, key: str) -> bool:
    """Cancel a PaymentIntent that was never paid; False for one that cannot be cancelled
    (it succeeded, or was cancelled already)."""
    try:
        _call(
            "cancel",
            client().v1.payment_intents.cancel,
            intent_id,
            options={"idempotency_key": key},
        )
    except PaymentRefused:
        return intent_get(intent_id).status == "canceled"
    return True


def refund_create(*, intent_id: str, amount_cents: int, key: str) -> int:
    """Refund ``amount_cents`` of the PaymentIntent's charge; returns the amount refunded."""
    obj = _call(
        "refund",
        client().v1.refunds.create,
        params={"payment_intent": intent_id, "amount": amount_cents},
        options={"idempotency_key": key},
    )
    return int(obj.amount)


def webhook_event(payload: bytes, signature: str | None) -> dict | None:
    """The event in a webhook delivery whose ``Stripe-Signature`` is ours (HMAC with the
    endpoint's secret, within Stripe's five-minute tolerance), else None."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or not signature:
        return None
    import stripe

    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, secret, tolerance=WEBHOOK_TOLERANCE
        )
        import json

        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError):
        return None
    return event if isinstance(event, dict) else None
