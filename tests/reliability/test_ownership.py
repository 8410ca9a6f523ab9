"""A shopper cannot read or change another's cart, order or profile: every id of every
other shopper is tried on every route that takes such an id, with every method."""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.reliability import stats
from tests.reliability.sitemap import routes
from tests.reliability.state import WriteWatch, scan
from tests.reliability.world import shop, users_make, world_make

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _address(name):
    return {
        "street": f"{name} Private Lane",
        "city": "Hidden",
        "state": "ZZ",
        "postal_code": "99999",
        "country": "US",
    }


@pytest.fixture(scope="module")
def rivals():
    """Two shoppers, each with an order and a cart:
    ``(world, {name: (client, user, order_id)})``."""
    world = world_make(crawl_site=False)
    make = users_make(prefix="rival")
    found = {}
    for name in ("Alice", "Bob"):
        user = make(first_name=name, last_name=f"{name}son")
        client = sign_in(Client(), user)
        order_id = shop(client, address=_address(name))
        found[name] = (client, user, order_id)
    return world, found


def _order_routes():
    return [route for route in routes() if route.kwargs == ["order_id"]]


def _request(client, method, path):
    response = client.generic(
        method,
        path,
        urlencode({"reason": "mine now"}),
        "application/x-www-form-urlencoded",
        HTTP_ORIGIN="http://testserver",
    )
    stats.record_response(response.status_code)
    return response


def test_owner_reaches_their_own_order_on_every_order_page(rivals):
    """The ids are real: their owner sees them (so the refusals below mean something)."""
    world, found = rivals
    assert _order_routes()
    for name, (client, _user, order_id) in found.items():
        response = client.get(reverse("store:order-detail", kwargs={"order_id": order_id}))
        assert response.status_code == 200
        assert f"{name} Private Lane" in response.content.decode()


def test_no_shopper_reads_or_changes_another_shoppers_order(rivals):
    world, found = rivals
    owners = {
        item["order_id"]["S"]: item["user_id"]["S"] for item in scan(settings.ORDERS_TABLE_NAME)
    }
    assert len(owners) >= 4
    streets = {user.user_id: f"{name} Private Lane" for name, (_, user, _) in found.items()}
    visitors = [(user.user_id, client) for client, user, _ in found.values()]
    visitors += [(u.user_id, world.clients[role]) for role, u in world.users.items()]
    visitors.append((None, Client()))
    for order_id, owner in owners.items():
        for route in _order_routes():
            path = reverse(route.view_name, kwargs={"order_id": order_id})
            for visitor_id, client in visitors:
                if visitor_id == owner:
                    continue
                for method in METHODS:
                    with WriteWatch() as watch:
                        response = _request(client, method, path)
                    where = (order_id, path, method, visitor_id)
                    if visitor_id is None:  # sent to sign in (a page) or 401 (an API)
                        assert response.status_code in (302, 401, 403, 404, 405), where
                    else:
                        assert response.status_code in (403, 404, 405), where
                    assert streets.get(owner, "\0") not in response.content.decode(), where
                    assert not watch.writes, (where, watch.writes)


def test_order_history_lists_only_the_shoppers_own_orders(rivals):
    world, found = rivals
    alice, bob = found["Alice"], found["Bob"]
    page = alice[0].get(reverse("store:order-list")).content.decode()
    assert alice[2] in page
    assert bob[2] not in page


def _cart_of(user_id):
    return [item for item in scan(settings.CARTS_TABLE_NAME) if item["user_id"]["S"] == user_id]


def test_no_shopper_changes_another_shoppers_cart(rivals):
    """Cart forms name a book, never a cart: extra owner fields are ignored."""
    world, found = rivals
    (_alice, alice_user, _), (bob, _bob_user, _) = found["Alice"], found["Bob"]
    before = _cart_of(alice_user.user_id)
    assert before, "Alice has a cart"
    hijack = {
        "user_id": alice_user.user_id,
        "owner": alice_user.user_id,
        "cart_id": "active",
        "category": "Fiction",
        "book_id": "fic-001",
    }
    for action in ("cart-update", "cart-remove", "cart-add"):
        response = bob.post(
            reverse(f"store:{action}"), {**hijack, "quantity": 3}, HTTP_ORIGIN="http://testserver"
        )
        stats.record_response(response.status_code)
        assert response.status_code < 500
    assert _cart_of(alice_user.user_id) == before


def test_a_forged_anonymous_cart_cookie_reads_no_ones_cart(rivals):
    world, _ = rivals
    visitor = Client()
    added = visitor.post(
        "/cart/add/",
        {"category": "Fiction", "book_id": "fic-001", "quantity": 1},
        HTTP_ORIGIN="http://testserver",
    )
    assert added.status_code == 302
    cookie = visitor.cookies[settings.CART_COOKIE_NAME].value
    cart_id = cookie.split(":")[0]
    assert "The Great Gatsby" in visitor.get("/cart/").content.decode()
    for forged in (cart_id, f"{cart_id}:forged", cookie[:-2] + "xx"):
        thief = Client()
        thief.cookies[settings.CART_COOKIE_NAME] = forged
        page = thief.get("/cart/")
        stats.record_response(page.status_code)
        assert "The Great Gatsby" not in page.content.decode(), forged


def _user_item(user_id):
    return [item for item in scan(settings.USERS_TABLE_NAME) if item["user_id"]["S"] == user_id]


def test_no_shopper_reads_or_changes_another_shoppers_profile(rivals):
    """The profile is the signed-in user's: ids sent along (in the query or the form)
    neither show nor change anyone else's."""
    from tests.reliability.harness import form_with, forms_of

    world, found = rivals
    (alice, alice_user, _), (bob, _bob_user, _) = found["Alice"], found["Bob"]
    before = _user_item(alice_user.user_id)
    path = reverse("accounts:profile")
    for query in (
        {"user_id": alice_user.user_id},
        {"id": alice_user.user_id},
        {"email": alice_user.email},
    ):
        page = bob.get(path, query)
        stats.record_response(page.status_code)
        assert page.status_code == 200
        assert "Aliceson" not in page.content.decode()
        assert alice_user.email not in page.content.decode()
    form = form_with(forms_of(bob.get(path).content.decode(), path), field="first_name")
    for hijack in (
        {"user_id": alice_user.user_id},
        {"id": alice_user.user_id},
        {"user": alice_user.user_id},
    ):
        response = bob.post(path, {**form.fields, "first_name": "Hijacked", **hijack})
        stats.record_response(response.status_code)
        assert response.status_code < 500
    assert _user_item(alice_user.user_id) == before
    assert "Hijacked" not in alice.get(path).content.decode()
