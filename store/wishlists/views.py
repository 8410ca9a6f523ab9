"""The wishlist page and its buttons, and "save for later" from the cart. Every list is
the signed-in shopper's own (the user id comes from the session, never the request)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import login_required
from cloudshelf.redirects import safe_redirect_target
from store.cart import services as cart_services
from store.cart.cookies import cart_count_remember
from store.cart.selectors import cart_get
from store.wishlists import selectors, services
from store.wishlists.models import WISH


class BookKeyForm(forms.Form):
    category = forms.CharField(max_length=100)
    book_id = forms.CharField(max_length=100)
    next = forms.CharField(max_length=500, required=False)


def _key(request):
    form = BookKeyForm(request.POST)
    if not form.is_valid():
        raise services.WishlistEntryMissing("That is not a book of this shop.")
    return form.cleaned_data


def _count(request):
    cart = cart_get(owner=request.user.user_id)
    cart_count_remember(request, owner=request.user.user_id, count=cart.item_count if cart else 0)


@login_required
@require_safe
def wishlist_detail(request):
    return render(
        request,
        "store/wishlists/detail.html",
        {"saved": selectors.saved_list(user_id=request.user.user_id, kind=WISH)},
    )


@login_required
@require_POST
def wishlist_add(request):
    data = _key(request)
    book, added = services.wishlist_item_add(
        user_id=request.user.user_id, category=data["category"], book_id=data["book_id"]
    )
    if added:
        messages.success(request, f"“{book.title}” is on your wishlist.")
    else:
        messages.info(request, f"“{book.title}” was already on your wishlist.")
    target = reverse("store:book-detail", args=[book.category, book.book_id])
    return redirect(safe_redirect_target(request, data["next"] or target, target))


@login_required
@require_POST
def wishlist_remove(request):
    data = _key(request)
    services.wishlist_item_remove(
        user_id=request.user.user_id, category=data["category"], book_id=data["book_id"]
    )
    messages.success(request, "The book is off your wishlist.")
    return redirect("store:wishlist")


@login_required
@require_POST
def wishlist_move_to_cart(request):
    data = _key(request)
    try:
        services.wishlist_item_move_to_cart(
            user_id=request.user.user_id, category=data["category"], book_id=data["book_id"]
        )
    except cart_services.CartError as error:
        messages.error(request, error.message)
        return redirect("store:wishlist")
    _count(request)
    messages.success(request, "The book is in your cart.")
    return redirect("store:wishlist")


@login_required
@require_POST
def cart_save_for_later(request):
    data = _key(request)
    services.cart_item_save_for_later(
        user_id=request.user.user_id, category=data["category"], book_id=data["book_id"]
    )
    _count(request)
    messages.success(request, "Saved for later: it is below your cart.")
    return redirect("store:cart")


@login_required
@require_POST
def saved_move_to_cart(request):
    data = _key(request)
    try:
        services.saved_item_move_to_cart(
            user_id=request.user.user_id, category=data["category"], book_id=data["book_id"]
        )
    except cart_services.CartError as error:
        messages.error(request, error.message)
        return redirect("store:cart")
    _count(request)
    messages.success(request, "The book is back in your cart.")
    return redirect("store:cart")


@login_required
@require_POST
def saved_remove(request):
    data = _key(request)
    services.saved_item_remove(
        user_id=request.user.user_id, category=data["category"], book_id=data["book_id"]
    )
    messages.success(request, "The book is off your saved list.")
    return redirect("store:cart")
