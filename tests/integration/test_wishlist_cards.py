""" "Add to wishlist" on every book card: a named button per book for a signed-in shopper
(adding twice is one entry and says so), "Sign in to save" for a visitor, and no
DynamoDB request per card."""

import pytest
from django.urls import reverse

from store.wishlists.models import WISH
from store.wishlists.selectors import saved_list

CATEGORY = reverse("store:category", args=["Technology"])


@pytest.fixture
def books(make_book):
    return [make_book(title=f"Card Book {n}") for n in range(3)]


def button(book):
    return f'Add<span class="visually-hidden"> “{book.title}”</span> to wishlist'


def wished(user):
    return [s.entry.book_id for s in saved_list(user_id=user.user_id, kind=WISH)]


def add_from_card(client, book, page=CATEGORY):
    data = {"category": book.category, "book_id": book.book_id, "next": page}
    return client.post(reverse("store:wishlist-add"), data, follow=True)


def test_every_card_has_a_wishlist_button_naming_its_book(shopper_client, books):
    html = shopper_client.get(CATEGORY).content.decode()
    for book in books:
        assert button(book) in html


def test_adding_from_a_card_comes_back_to_the_same_page(shopper_client, books):
    page = f"{CATEGORY}?page=x"
    data = {"category": books[1].category, "book_id": books[1].book_id, "next": page}
    response = shopper_client.post(reverse("store:wishlist-add"), data)
    assert response.status_code == 302 and response["Location"] == page
    assert wished(shopper_client.user) == [books[1].book_id]


def test_adding_twice_is_one_entry_with_a_clear_message(shopper_client, books):
    first = add_from_card(shopper_client, books[0]).content.decode()
    assert "“Card Book 0” is on your wishlist." in first
    again = add_from_card(shopper_client, books[0]).content.decode()
    assert "“Card Book 0” was already on your wishlist." in again
    assert wished(shopper_client.user) == [books[0].book_id]


def test_visitor_gets_sign_in_to_save_back_to_the_same_page(client, books):
    html = client.get(CATEGORY).content.decode()
    assert "to wishlist</button>" not in html
    assert html.count("Sign in to save") == len(books)
    assert f'href="/accounts/sign-in/?next={CATEGORY}"' in html


def test_wishlist_buttons_cost_no_request_per_card(shopper_client, books, settings):
    from benchmarks.requestcount import record_dynamodb_calls

    with record_dynamodb_calls() as calls:
        shopper_client.get(CATEGORY)
    content = [
        c.operation
        for c in calls
        if c.params.get("TableName")
        not in (settings.SESSIONS_TABLE_NAME, settings.USERS_TABLE_NAME)
    ]
    assert sorted(content) == ["BatchGetItem", "Query"]  # the books, the cards' ratings
