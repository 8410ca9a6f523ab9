from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import login_required, redirect_to_login
from store.cart.cookies import cart_count_remember
from store.cart.selectors import cart_get
from store.orders import selectors, services
from store.orders.forms import PlaceOrderForm, ShippingAddressForm
from store.orders.quotes import quote_sign
from store.payments.gateway import PaymentError
from store.promotions import views as promotion_views
from store.templatetags.store_tags import money


def _address_page(request, form, status=200):
    return render(request, "store/orders/checkout_address.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request):
    """GET: the shipping address, prefilled from the profile. POST: the review page (or the
    address again, with its errors or to change it)."""
    if request.method != "POST":
        cart = cart_get(owner=request.user.user_id)
        if cart is None or not cart.items:
            messages.info(request, "Your cart is empty.")
            return redirect("store:cart")
        form = ShippingAddressForm(initial=ShippingAddressForm.initial_for(request.user))
        return _address_page(request, form)
    form = ShippingAddressForm(request.POST)
    if not form.is_valid():
        return _address_page(request, form, status=400)
    if "change_address" in request.POST:
        return _address_page(request, form)
    code_form = None
    if "apply_code" in request.POST:
        code_form = promotion_views.review_code_apply(request)
    review = selectors.checkout_review_get(user_id=request.user.user_id)
    if review.cart.is_empty:
        messages.info(request, "Your cart is empty.")
        return redirect("store:cart")
    if review.problems:
        for problem in review.problems:
            messages.error(request, problem)
        return redirect("store:cart")
    place_form = PlaceOrderForm(
        user_id=request.user.user_id,
        initial={**form.address, "quote": quote_sign(review.quote, user_id=request.user.user_id)},
    )
    return render(
        request,
        "store/orders/checkout_review.html",
        {"review": review, "form": place_form, "address": form.address, "code_form": code_form},
        status=400 if code_form is not None and code_form.errors else 200,
    )


@require_POST
def checkout_place(request):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("store:checkout"))
    form = PlaceOrderForm(request.POST, user_id=request.user.user_id)
    if not form.is_valid():
        if "quote" in form.errors:
            messages.error(request, " ".join(form.errors["quote"]))
            return redirect("store:checkout")
        return _address_page(request, form, status=400)
    try:
        placed = services.order_place(
            user=request.user, shipping_address=form.address, quote=form.cleaned_data["quote"]
        )
    except services.CheckoutError as error:
        for problem in error.problems:
            messages.error(request, problem)
        return redirect("store:cart")
    except PaymentError as error:
        messages.error(request, error.message + " Your cart is as it was.")
        return redirect("store:cart")
    cart_count_remember(request, owner=request.user.user_id, count=0)
    if not placed.created:
        messages.info(request, "This order had already been placed; here it is.")
    if placed.order.status == services.AWAITING_PAYMENT:
        return redirect("store:order-pay", order_id=placed.order.order_id)
    return redirect("store:order-confirmation", order_id=placed.order.order_id)


def _own_order(request, order_id):
    order = selectors.order_get(user_id=request.user.user_id, order_id=order_id)
    if order is None:
        raise Http404("No such order.")
    return order


@login_required
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
    return render(
        request,
        "store/orders/list.html",
        {"orders": orders, "next_token": next_token, "is_first_page": not request.GET.get("page")},
    )


@login_required
@require_safe
def order_detail(request, order_id):
    return render(request, "store/orders/detail.html", {"order": _own_order(request, order_id)})


@login_required
@require_POST
def order_cancel(request, order_id):
    try:
        order = services.order_cancel(user_id=request.user.user_id, order_id=order_id)
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
    return redirect("store:order-detail", order_id=order_id)
