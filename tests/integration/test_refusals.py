"""Refusals in the site's own look: a form posted without its CSRF token, and a method a
page does not answer (405 with ``Allow``, on every route of the URLconf)."""

import json

import pytest
from django.test import Client

from tests.conftest import sign_in
from tests.reliability.sitemap import routes

UNSUPPORTED = ("PUT", "DELETE", "PATCH", "PROPFIND")
SAMPLE_VALUE = "x-1"


def test_post_without_csrf_token_gets_the_sites_403_page_saying_what_to_do(tables):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in/", {"email": "a@example.com", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    assert 'class="site-header"' in body  # the site's look (base.html)
    assert "Reload the page and try again" in body
    assert "CSRF verification failed" not in body


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", "/"), ("DELETE", "/cart/"), ("PROPFIND", "/")]
)
def test_unsupported_method_is_405_with_allow_in_the_sites_look(tables, method, path):
    response = Client(enforce_csrf_checks=True).generic(method, path)
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    body = response.content.decode()
    assert 'class="site-header"' in body and f"{method} is not" in body


def test_unsupported_method_on_a_staff_page_tells_others_nothing_more(tables):
    response = Client(enforce_csrf_checks=True).generic("PUT", "/admin/books/")
    assert response.status_code == 403 and "Allow" not in response  # the CSRF refusal
    response = Client().generic("PUT", "/admin/books/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_unsupported_method_with_a_csrf_token_is_405_too(staff_client):
    # Past the CSRF check (the test client skips it): the view's own refusal, restyled.
    response = staff_client.generic("PUT", "/admin/books/")
    assert response.status_code == 405 and response["Allow"]
    assert 'class="site-header"' in response.content.decode()


def _path(route):
    path = "/" + route.route
    for name, _ in route.converters:
        path = path.replace(f"<str:{name}>", SAMPLE_VALUE).replace(f"<path:{name}>", "a/b")
    return path


@pytest.fixture
def staff_csrf_client(make_user):
    """Staff, signed in, whose requests go through the CSRF check as a browser's do."""
    client = Client(enforce_csrf_checks=True)
    client.cookies = sign_in(Client(), make_user(is_staff=True)).cookies
    return client


@pytest.mark.parametrize("route", routes(), ids=str)
def test_every_route_answers_an_unsupported_method_with_405(staff_csrf_client, route):
    """As staff, so that the staff pages' guard lets the method through (to anyone else a
    staff page answers as for any method: sign in, or 403; see test_staff_guard.py)."""
    path, client = _path(route), staff_csrf_client
    for method in UNSUPPORTED:
        response = client.generic(method, path)
        if path.startswith("/api/"):
            # The JSON API keeps its answers JSON (PATCH and DELETE are real on cart lines).
            assert response.status_code != 500 and response["Content-Type"].startswith(
                "application/json"
            ), (method, path)
            if response.status_code == 405:
                assert json.loads(response.content)["error"]["code"] == "method_not_allowed"
            continue
        assert response.status_code == 405, (method, path, response.status_code)
        assert method not in response["Allow"]
