from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import login_required, redirect_to_login
from store.cart.cookies import cart_count_remember, cart_owner
from store.cart.selectors import cart_get
from store.orders import selectors, services
from store.orders.forms import (
    GuestAddressForm,
    GuestPlaceOrderForm,
    PlaceOrderForm,
    ShippingAddressForm,
)
from store.orders.guest import guest_order_get, guest_owner, guest_path
from store.orders.models import guest_user_id
from store.orders.quotes import quote_sign
from store.payments.gateway import PaymentError
from store.promotions import views as promotion_views
from store.templatetags.store_tags import money


def _address_page(request, form, status=200):
    return render(
        request,
        "store/orders/checkout_address.html",
        {"form": form, "guest": not request.user.is_authenticated},
        status=status,
    )


def _guest_cart_owner(request):
    """The anonymous cart a guest checks out, or None when there is nothing to check out."""
    owner = cart_owner(request)
    cart = cart_get(owner=owner) if owner else None
    return owner if cart is not None and cart.items else None


@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request):
    """GET: the shipping address, prefilled from the profile (a guest also gives an email
    and a name). POST: the review page (or the address again, with its errors or to change
    it). Without an account and with nothing in the cart, sign in first."""
    guest = not request.user.is_authenticated
    owner = _guest_cart_owner(request) if guest else request.user.user_id
    if guest and owner is None:
        return redirect_to_login(reverse("store:checkout"))
    form_class = GuestAddressForm if guest else ShippingAddressForm
    if request.method != "POST":
        cart = cart_get(owner=owner)
        if cart is None or not cart.items:
            messages.info(request, "Your cart is empty.")
            return redirect("store:cart")
        initial = {"country": "US"} if guest else ShippingAddressForm.initial_for(request.user)
        return _address_page(request, form_class(initial=initial))
    form = form_class(request.POST)
    if not form.is_valid():
        return _address_page(request, form, status=400)
    if "change_address" in request.POST:
        return _address_page(request, form)
    code_form = None
    if "apply_code" in request.POST:
        code_form = promotion_views.review_code_apply(request, owner=owner)
    review = selectors.checkout_review_get(user_id=owner)
    if review.cart.is_empty:
        messages.info(request, "Your cart is empty.")
        return redirect("store:cart")
    if review.problems:
        for problem in review.problems:
            messages.error(request, problem)
        return redirect("store:cart")
    place_class = GuestPlaceOrderForm if guest else PlaceOrderForm
    place_form = place_class(
        user_id=owner,
        initial={**form.cleaned_data, "quote": quote_sign(review.quote, user_id=owner)},
    )
    return render(
        request,
        "store/orders/checkout_review.html",
        {
            "review": review,
            "form": place_form,
            "address": form.address,
            "code_form": code_form,
            "guest": guest,
        },
        status=400 if code_form is not None and code_form.errors else 200,
    )


@require_POST
def checkout_place(request):
    guest = not request.user.is_authenticated
    owner = cart_owner(request) if guest else request.user.user_id
    if guest and not request.POST.get("email"):
        return redirect_to_login(reverse("store:checkout"))
    form = (GuestPlaceOrderForm if guest else PlaceOrderForm)(request.POST, user_id=owner)
    if not form.is_valid():
        if "quote" in form.errors:
            messages.error(request, " ".join(form.errors["quote"]))
            return redirect("store:checkout")
        return _address_page(request, form, status=400)
    shopper = (
        services.Guest(
            email=form.cleaned_data["email"], name=form.cleaned_data["name"], cart_owner=owner
        )
        if guest
        else request.user
    )
    try:
        placed = services.order_place(
            user=shopper, shipping_address=form.address, quote=form.cleaned_data["quote"]
        )
    except services.CheckoutError as error:
        for problem in error.problems:
            messages.error(request, problem)
        return redirect("store:cart")
    except PaymentError as error:
        messages.error(request, error.message + " Your cart is as it was.")
        return redirect("store:cart")
    cart_count_remember(request, owner=owner, count=0)
    if not placed.created:
        messages.info(request, "This order had already been placed; here it is.")
    order = placed.order
    name = (
        "store:order-pay"
        if order.status == services.AWAITING_PAYMENT
        else "store:order-confirmation"
    )
    if guest:
        return redirect(guest_path(order, name))
    return redirect(name, order_id=order.order_id)


def order_for_request(request, order_id):
    """The order a page is about: the signed-in shopper's own, or the guest order that the
    request's ``access`` token names. Anything else is a 404."""
    if request.user.is_authenticated:
        order = selectors.order_get(user_id=request.user.user_id, order_id=order_id)
        if order is None and request.user.email:
            # An order placed as a guest with this account's (verified) email.
            order = selectors.order_get(
                user_id=guest_user_id(request.user.email), order_id=order_id
            )
        if order is not None:
            return order
    order = guest_order_get(token=request.GET.get("access"), order_id=order_id)
    if order is None:
        if not request.user.is_authenticated and not request.GET.get("access"):
            raise SignInFirst()
        raise Http404("No such order.")
    return order


class SignInFirst(Exception):
    """An order page asked for without an account and without an access token."""


def guest_aware(view):
    """Order pages open to a guest holding the order's token; anyone else signs in."""

    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SignInFirst:
            return redirect_to_login(request.get_full_path())

    return wrapper


def _own_order(request, order_id):
    return order_for_request(request, order_id)


@guest_aware
@require_safe
def order_confirmation(request, order_id):
    return render(
        request, "store/orders/confirmation.html", {"order": _own_order(request, order_id)}
    )


@login_required
@require_safe
def order_list(request):
    orders, next_token = selectors.order_history_page(
        user_id=request.user.user_id,
        page_token=request.GET.get("page"),
        page_size=settings.ORDERS_PAGE_SIZE,
    )
    first_page = not request.GET.get("page")
    guest_orders = (
        selectors.guest_orders_list(email=request.user.email)
        if first_page and request.user.email
        else []
    )
    return render(
        request,
        "store/orders/list.html",
        {
            "orders": orders,
            "next_token": next_token,
            "is_first_page": first_page,
            "guest_orders": guest_orders,
        },
    )


@guest_aware
@require_safe
def order_detail(request, order_id):
    return render(request, "store/orders/detail.html", {"order": _own_order(request, order_id)})


def _cancel(request, owner, order_id):
    try:
        return services.order_cancel(user_id=owner, order_id=order_id)
    except services.OrderNotFound:
        # A signed-in shopper's order placed as a guest with the account's (verified) email.
        if owner != getattr(request.user, "user_id", None) or not request.user.email:
            raise
        return services.order_cancel(user_id=guest_user_id(request.user.email), order_id=order_id)


@require_POST
def order_cancel(request, order_id):
    """The shopper's own order, or a guest's through the order's ``access`` token."""
    token = request.GET.get("access")
    if token:
        owner = guest_owner(token=token, order_id=order_id)
        if owner is None:
            raise Http404("No such order.")
    elif request.user.is_authenticated:
        owner = request.user.user_id
    else:
        return redirect_to_login(reverse("store:order-detail", args=[order_id]))
    try:
        order = _cancel(request, owner, order_id)
    except services.OrderNotFound as error:
        raise Http404("No such order.") from error
    except services.OrderError as error:
        messages.error(request, error.message)
    else:
        refund = ""
        if order.payment_status == "refunded":
            refund = f" {money(order.refunded_amount)} is refunded to your card."
        elif order.payment_status == "refund_pending":
            refund = " Your refund is on its way to your card."
        messages.success(request, "Your order was cancelled; nothing will be shipped." + refund)
    detail = reverse("store:order-detail", args=[order_id])
    return redirect(f"{detail}?{urlencode({'access': token})}" if token else detail)
