"""The shopper's discount code on the cart page: apply one, or remove it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cloudshelf.errors import ApplicationError
from store.cart.cookies import cart_owner
from store.cart.selectors import cart_detail_get
from store.promotions import services
from store.promotions.forms import DiscountCodeForm


@require_POST
def cart_discount_apply(request):
    form = DiscountCodeForm(request.POST)
    owner = cart_owner(request)
    if not form.is_valid():
        cart = cart_detail_get(owner=owner)
        return render(
            request, "store/cart/detail.html", {"cart": cart, "code_form": form}, status=400
        )
    try:
        discount = services.cart_discount_apply(
            owner=owner, code=form.cleaned_data["discount_code"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"The discount code {discount.code} is applied: {discount.label}."
        )
    return redirect("store:cart")


@require_POST
def cart_discount_remove(request):
    services.cart_discount_remove(owner=cart_owner(request))
    messages.success(request, "The discount code was removed from your cart.")
    return redirect("store:cart")


def review_code_apply(request, *, owner):
    """The review page's "Apply the discount code" on ``owner``'s cart (a shopper's or a
    guest's; the checkout view shows the review again): the form, with its errors if the
    text cannot be a code."""
    form = DiscountCodeForm(request.POST)
    if form.is_valid():
        try:
            discount = services.cart_discount_apply(
                owner=owner, code=form.cleaned_data["discount_code"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"The discount code {discount.code} is applied: {discount.label}."
            )
    return form
