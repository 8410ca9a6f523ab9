"""The payment page of an order awaiting payment, the return from Stripe, and Stripe's
webhook. The card is entered in Stripe.js's field (served by localstripe locally), which
sends it to Stripe and gives the page a payment method id: the number never reaches us."""

import logging
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import staff_required
from cloudshelf.security import payment_page_policy
from store.orders import selectors
from store.orders.guest import guest_path
from store.orders.views import guest_aware
from store.payments import gateway, services
from store.templatetags.store_tags import money

log = logging.getLogger(__name__)


def _own_order(request, order_id):
    from store.orders.views import order_for_request

    return order_for_request(request, order_id)


def _access_query(order):
    """``?access=<token>`` for a guest's order (its pages carry it), else nothing."""
    if not order.user_id.startswith("guest-"):
        return ""
    return "?" + guest_path(order).split("?", 1)[1]


def _to(name, order):
    return redirect(reverse(name, kwargs={"order_id": order.order_id}) + _access_query(order))


def _payment_page(request, order, *, intent=None, status=200, problems=()):
    response = render(
        request,
        "store/orders/payment.html",
        {
            "order": order,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "intent": intent,
            "access_query": _access_query(order),
            "declined": _declined(order),
            "problems": problems,
        },
        status=status,
    )
    response["Content-Security-Policy"] = payment_page_policy()
    return response


def _declined(order):
    """A declined order: its books went back; the shopper may try another card."""
    return order.status == services.PAYMENT_FAILED and order.payment_status == services.FAILED


@guest_aware
@require_http_methods(["GET", "HEAD", "POST"])
def order_pay(request, order_id):
    """GET: the card form (or, after a decline, the decline and "Try another card").
    POST: pay with the payment method Stripe.js made."""
    order = _own_order(request, order_id)
    if _declined(order):
        if request.method == "POST":
            messages.error(
                request,
                "This order's books are no longer set aside and nothing was charged. "
                "Press “Try another card” to set them aside again.",
            )
            return _payment_page(request, order, status=409)
        return _payment_page(request, order)
    if order.status != services.AWAITING_PAYMENT:
        return _to("store:order-detail", order)
    if request.method != "POST":
        return _payment_page(request, order)
    try:
        intent = services.payment_submit(
            order=order, payment_method=request.POST.get("payment_method")
        )
    except gateway.CardDeclined as error:
        messages.error(request, error.message)
        order = _own_order(request, order_id)
        return _payment_page(request, order, status=402)
    except gateway.PaymentRefused as error:
        messages.error(request, error.message)
        return _payment_page(request, order, status=400)
    except gateway.PaymentError as error:
        messages.error(request, error.message)
        return _payment_page(request, order, status=error.status_code)
    if intent.status == "succeeded":
        messages.success(request, "Thank you: your payment was received.")
        return _to("store:order-confirmation", order)
    # 3-D Secure (or a payment still processing): the page hands over to Stripe.js.
    return _payment_page(request, order, intent=intent)


@guest_aware
@require_POST
def order_pay_again(request, order_id):
    """ "Try another card" after a decline: the books are set aside again (one transaction)
    with a new PaymentIntent, and the card form is shown; if a book sold out meanwhile,
    the page says which, with a 409."""
    from store.orders.services import OrderError, ReservationRefused

    order = _own_order(request, order_id)
    if order.status == services.AWAITING_PAYMENT:
        return _to("store:order-pay", order)  # already set aside (a double submit)
    if not _declined(order):
        return _to("store:order-detail", order)
    try:
        order = services.payment_retry(order=order)
    except ReservationRefused as error:
        messages.error(request, "Your books could not be set aside again; nothing was charged.")
        return _payment_page(request, order, status=409, problems=error.problems)
    except OrderError as error:
        messages.error(request, error.message)
        return _payment_page(request, order, status=409)
    except gateway.PaymentError as error:
        messages.error(request, error.message)
        return _payment_page(request, order, status=error.status_code)
    messages.info(
        request,
        f"Your books are set aside again until {order.payment_expires_at:%H:%M} UTC. "
        "Please enter another card.",
    )
    return _to("store:order-pay", order)


@guest_aware
@require_safe
def payment_return(request, order_id):
    """Back from paying or from 3-D Secure: the server asks Stripe how it went."""
    order = _own_order(request, order_id)
    try:
        intent = services.payment_return(order=order)
    except gateway.PaymentError as error:
        messages.error(request, error.message)
        return _to("store:order-pay", order)
    if intent is None or intent.status == "succeeded":
        return _to("store:order-confirmation", order)
    if intent.status == "processing":
        messages.info(request, "Your payment is being processed; this page will say when it is.")
        return _to("store:order-detail", order)
    messages.error(
        request,
        intent.error or "The payment was not completed. Please try again or use another card.",
    )
    return _to("store:order-pay", order)


@csrf_exempt  # Stripe's servers post here; the signature is the proof, not a CSRF token
@require_POST
def stripe_webhook(request):
    """Stripe's events, each signed with the endpoint's secret: an unsigned or forged one
    is refused with a 400 and changes nothing. Answered at once (one read, at most one
    conditional write)."""
    event = gateway.webhook_event(request.body, request.headers.get("Stripe-Signature"))
    if event is None:
        return HttpResponseBadRequest("invalid signature", content_type="text/plain")
    try:
        outcome = services.webhook_receive(event=event)
    except services.PaymentMismatch:
        return HttpResponseBadRequest(
            "the payment does not match its order", content_type="text/plain"
        )
    log.info("stripe webhook %s %s: %s", event.get("type"), event.get("id"), outcome)
    return HttpResponse(outcome, content_type="text/plain")


stripe_webhook.signature_checked = True  # type: ignore[attr-defined]  (tests/reliability)


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount to refund ($)", min_value=Decimal("0.01"), max_digits=9, decimal_places=2
    )


@never_cache
@staff_required
@require_POST
def staff_refund(request, user_id, order_id):
    """Staff refund part (or the rest) of a paid order; recorded in the audit trail."""
    order = selectors.order_get(user_id=user_id, order_id=order_id, consistent_read=True)
    if order is None:
        raise Http404("No such order.")
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter an amount in dollars and cents, such as 5.00.")
        return redirect("staff:order-detail", user_id, order_id)
    try:
        order = services.order_refund_partial(
            order=order, amount=form.cleaned_data["amount"], actor=request.user
        )
    except (services.RefundRefused, gateway.PaymentError) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Refunded {money(form.cleaned_data['amount'])}; "
            f"{money(order.refunded_amount)} refunded in all.",
        )
    return redirect("staff:order-detail", user_id, order_id)
