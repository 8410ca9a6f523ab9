from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from cloudshelf.csrf import same_origin_required
from cloudshelf.redirects import safe_redirect_target
from store.cart import selectors, services
from store.cart.cookies import (
    anonymous_cart_id_new,
    anonymous_cart_remember,
    cart_count_refresh,
    cart_count_remember,
    cart_owner,
)
from store.cart.forms import CartAddForm, CartLineKeyForm, CartQuantityForm


def _back(request, target):
    """``target`` if it is a path on this site, else the cart page."""
    return safe_redirect_target(request, target, reverse("store:cart"))


def _form_error_page(request, form):
    errors = [str(error) for errors in form.errors.values() for error in errors]
    return render(request, "400.html", {"message": " ".join(dict.fromkeys(errors))}, status=400)


@require_safe
def cart_detail(request):
    owner = cart_owner(request)
    cart = selectors.cart_detail_get(owner=owner)
    cart_count_refresh(request, owner=owner, count=cart.item_count)
    return render(request, "store/cart/detail.html", {"cart": cart})


@same_origin_required
@require_POST
def cart_add(request):
    """Add to cart, from catalog pages (no CSRF token there: the origin is checked)."""
    form = CartAddForm(request.POST)
    if not form.is_valid():
        return _form_error_page(request, form)
    data = form.cleaned_data
    owner = cart_owner(request)
    new_owner = None if owner else anonymous_cart_id_new()
    try:
        cart = services.cart_item_add(
            owner=owner or new_owner,
            category=data["category"],
            book_id=data["book_id"],
            quantity=data["quantity"],
        )
    except services.CartError as error:
        messages.error(request, error.message)
        return redirect(_back(request, data["next"]))
    if new_owner:
        anonymous_cart_remember(request, new_owner)
    cart_count_remember(request, owner=cart.user_id, count=cart.item_count)
    line = next(
        line
        for line in cart.items
        if (line.category, line.book_id) == (data["category"], data["book_id"])
    )
    copies = "a copy" if data["quantity"] == 1 else f"{data['quantity']} copies"
    messages.success(request, f"Added {copies} of “{line.title}” to your cart.")
    return redirect(_back(request, data["next"]))


@require_POST
def cart_update(request):
    form = CartQuantityForm(request.POST)
    owner = cart_owner(request)
    if owner is None:
        return redirect("store:cart")
    if not form.is_valid():
        # Show the cart again, with the error beside the line and what was typed.
        cart = selectors.cart_detail_get(owner=owner)
        for line in cart.lines:
            if (line.category, line.book_id) == (
                request.POST.get("category"),
                request.POST.get("book_id"),
            ):
                line.error = " ".join(form.errors.get("quantity", form.non_field_errors()))
                line.typed = request.POST.get("quantity", "")[:20]
        return render(request, "store/cart/detail.html", {"cart": cart}, status=400)
    try:
        cart = services.cart_item_set_quantity(owner=owner, **form.cleaned_data)
    except services.CartError as error:
        messages.error(request, error.message)
    else:
        cart_count_remember(request, owner=owner, count=cart.item_count)
        messages.success(request, "Your cart was updated.")
    return redirect("store:cart")


@require_POST
def cart_remove(request):
    form = CartLineKeyForm(request.POST)
    owner = cart_owner(request)
    if not form.is_valid():
        return _form_error_page(request, form)
    if owner is None:
        return redirect("store:cart")
    try:
        cart = services.cart_item_remove(owner=owner, **form.cleaned_data)
    except services.CartError as error:
        messages.error(request, error.message)
    else:
        cart_count_remember(request, owner=owner, count=cart.item_count)
        messages.success(request, "The book was removed from your cart.")
    return redirect("store:cart")
