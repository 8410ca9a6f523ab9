"""Wishlists and "save for later" against the emulator: the limit holds under concurrent
adds, a book saved twice is one entry, prices dropped are shown, a cart line goes out to
"saved for later" and back with its quantity, and every list is the shopper's own."""

import threading
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from store.wishlists import services
from store.wishlists.models import LATER, WISH, WishlistEntry, counter_key
from store.wishlists.selectors import saved_list
from tests.conftest import add_to_cart, cart_of, sign_in


def key(book, **extra):
    return {"category": book.category, "book_id": book.book_id, **extra}


def entries(user, kind=WISH):
    return [s.entry.book_id for s in saved_list(user_id=user.user_id, kind=kind)]


def test_add_to_wishlist_from_the_book_page(shopper_client, make_book):
    book = make_book(title="Wanted")
    page = shopper_client.get(reverse("store:book-detail", args=[book.category, book.book_id]))
    assert "Add to wishlist" in page.content.decode()
    assert shopper_client.post(reverse("store:wishlist-add"), key(book)).status_code == 302
    assert shopper_client.post(reverse("store:wishlist-add"), key(book)).status_code == 302
    assert entries(shopper_client.user) == [book.book_id]  # saved twice: one entry
    page = shopper_client.get(reverse("store:book-detail", args=[book.category, book.book_id]))
    assert "On <a" in page.content.decode()


def test_anonymous_visitor_is_asked_to_sign_in_and_come_back(client, make_book):
    book = make_book()
    page = client.get(reverse("store:book-detail", args=[book.category, book.book_id]))
    html = page.content.decode()
    assert "Sign in to add it to your wishlist" in html
    assert f"next=/books/{book.category}/{book.book_id}/" in html.replace("%2F", "/")
    response = client.post(reverse("store:wishlist-add"), key(book))
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_wishlist_page_shows_price_drops_and_moves_to_cart(shopper_client, make_book):
    book = make_book(title="Cheaper Now", price=Decimal("20.00"))
    services.wishlist_item_add(
        user_id=shopper_client.user.user_id, category=book.category, book_id=book.book_id
    )
    book.update(actions=[type(book).price.set(Decimal("15.00"))])
    html = shopper_client.get(reverse("store:wishlist")).content.decode()
    assert "Price dropped since you saved it" in html and "15.00" in html
    response = shopper_client.post(reverse("store:wishlist-move-to-cart"), key(book))
    assert response.status_code == 302
    assert [line.book_id for line in cart_of(shopper_client.user.user_id).items] == [book.book_id]
    assert entries(shopper_client.user) == []


def test_wishlist_limit_holds_under_concurrent_adds(make_user, make_book, settings):
    settings.WISHLIST_MAX_BOOKS = 5
    user = make_user()
    books = [make_book() for _ in range(12)]
    barrier = threading.Barrier(len(books))
    outcomes = []

    def add(book):
        barrier.wait()
        try:
            services.wishlist_item_add(
                user_id=user.user_id, category=book.category, book_id=book.book_id
            )
            outcomes.append("added")
        except services.WishlistFull:
            outcomes.append("full")

    threads = [threading.Thread(target=add, args=(b,)) for b in books]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("added") == 5 and outcomes.count("full") == 7
    assert len(entries(user)) == 5
    counter = WishlistEntry.get(user.user_id, counter_key(WISH), consistent_read=True)
    assert counter.count == 5


def test_full_wishlist_is_a_409(shopper_client, make_book, settings):
    settings.WISHLIST_MAX_BOOKS = 1
    first, second = make_book(), make_book()
    shopper_client.post(reverse("store:wishlist-add"), key(first))
    assert shopper_client.post(reverse("store:wishlist-add"), key(second)).status_code == 409


def test_save_for_later_and_back_keeps_the_quantity(shopper_client, make_book):
    book = make_book(title="Later Please", stock_quantity=9)
    add_to_cart(shopper_client, book, quantity=3)
    assert "Save for later" in shopper_client.get(reverse("store:cart")).content.decode()
    response = shopper_client.post(reverse("store:cart-save-for-later"), key(book))
    assert response.status_code == 302
    assert cart_of(shopper_client.user.user_id).items == []
    html = shopper_client.get(reverse("store:cart")).content.decode()
    assert "Saved for later" in html and "Later Please" in html
    assert shopper_client.post(reverse("store:saved-move-to-cart"), key(book)).status_code == 302
    [line] = cart_of(shopper_client.user.user_id).items
    assert (line.book_id, line.quantity) == (book.book_id, 3)
    assert entries(shopper_client.user, LATER) == []


def test_lists_are_each_shoppers_own(make_user, make_book):
    owner, other = make_user(), make_user()
    book = make_book()
    services.wishlist_item_add(user_id=owner.user_id, category=book.category, book_id=book.book_id)
    intruder = sign_in(Client(), other)
    assert book.title not in intruder.get(reverse("store:wishlist")).content.decode()
    for name in ("store:wishlist-remove", "store:wishlist-move-to-cart", "store:saved-remove"):
        assert intruder.post(reverse(name), key(book)).status_code == 404
    assert entries(owner) == [book.book_id]


@pytest.mark.parametrize("fields", [{}, {"category": "x" * 500, "book_id": "y"}])
def test_hostile_book_keys_are_refused(shopper_client, fields):
    assert shopper_client.post(reverse("store:wishlist-add"), fields).status_code in (400, 404)
