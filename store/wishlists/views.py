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


def _book_action(request, service, *, done, back, recount=False, into_cart=False):
    """The shape of every button below: the book from the form, ``service`` on the
    shopper's own list, ``done`` as the message, then back to ``back``. ``recount``
    refreshes the header's cart count; with ``into_cart`` the cart's refusal (sold out,
    say) is a message on the way back instead of an error page."""
    data = _key(request)
    try:
        service(user_id=request.user.user_id, category=data["category"], book_id=data["book_id"])
    except cart_services.CartError as error:
        if not into_cart:
            raise
        messages.error(request, error.message)
        return redirect(back)
    if recount:
        _count(request)
    messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def wishlist_remove(request):
    return _book_action(
        request,
        services.wishlist_item_remove,
        done="The book is off your wishlist.",
        back="store:wishlist",
    )


@login_required
@require_POST
def wishlist_move_to_cart(request):
    return _book_action(
        request,
        services.wishlist_item_move_to_cart,
        done="The book is in your cart.",
        back="store:wishlist",
        recount=True,
        into_cart=True,
    )


@login_required
@require_POST
def cart_save_for_later(request):
    return _book_action(
        request,
        services.cart_item_save_for_later,
        done="Saved for later: it is below your cart.",
        back="store:cart",
        recount=True,
    )


@login_required
@require_POST
def saved_move_to_cart(request):
    return _book_action(
        request,
        services.saved_item_move_to_cart,
        done="The book is back in your cart.",
        back="store:cart",
        recount=True,
        into_cart=True,
    )


@login_required
@require_POST
def saved_remove(request):
    return _book_action(
        request,
        services.saved_item_remove,
        done="The book is off your saved list.",
        back="store:cart",
    )
