"""HTML in any book or user field is escaped wherever it is shown: a book and the signed-in
users carry a script in every field, and every page the site shows to each role (found by
crawling) is read for it."""

import re

import pytest
from django.test import Client

from tests.reliability import stats
from tests.reliability.sitemap import ROLES
from tests.reliability.world import world_make


def payload(field):
    return f"\"'><script>alert('xss-{field}')</script>"


def path_payload(field):
    """For fields that are part of URLs: no slash (a category with "/" has no URL)."""
    return f"\"'><img src=x onerror=alert('xss-{field}')>"


def escaped(field):
    if field in PATH_FIELDS:
        return f"&lt;img src=x onerror=alert(&#x27;xss-{field}&#x27;)&gt;"
    return f"&lt;script&gt;alert(&#x27;xss-{field}&#x27;)&lt;/script&gt;"


BOOK_FIELDS = ("title", "author", "isbn", "description")
USER_FIELDS = ("first_name", "last_name")
ADDRESS_FIELDS = ("street", "city", "state", "postal_code")
PATH_FIELDS = ("category", "book_id")
RAW = re.compile(r"<script>alert\('xss-|<img src=x onerror")


@pytest.fixture(scope="module")
def hostile_world():
    book = {
        "category": "Technology",
        "book_id": "tech-xss",
        **{name: payload(name) for name in BOOK_FIELDS},
    }
    odd_category = {
        "category": path_payload("category"),
        "book_id": "odd-001",
        "title": "An Odd Category",
        "author": "Ada",
        "description": "x",
    }
    odd_id = {
        "category": "Technology",
        "book_id": path_payload("book_id"),
        "title": "Odd Id",
        "author": "Ada",
        "description": "x",
    }
    return world_make(
        extra_books=[book, odd_category, odd_id],
        user_fields={name: payload(name) for name in USER_FIELDS},
        enrich=[_hostile_addresses],
    )


def _hostile_addresses(world):
    """Every world user's stored address and phone carry a script too."""
    from accounts.models import User, UserAddress

    for user in world.users.values():
        address = UserAddress(**{name: payload(name) for name in ADDRESS_FIELDS}, country="US")
        user.update(actions=[User.address.set(address), User.phone.set(payload("phone"))])


def _html_pages(world):
    """Every page crawled as each role, plus pages that echo what the visitor typed."""
    for (role, path), body in world.bodies.items():
        yield role, path, body
    extra = [
        f"/search/?q={payload('q')}",
        f"/search/?q={payload('title')}",
        f"/accounts/sign-in/?next={payload('next')}",
    ]
    for role in ROLES:
        for path in extra:
            response = world.clients[role].get(path)
            stats.record_response(response.status_code)
            yield role, path, response.content.decode()


@pytest.fixture(scope="module")
def pages(hostile_world):
    return list(_html_pages(hostile_world))


def test_html_in_book_and_user_fields_is_never_rendered_raw(pages):
    assert len(pages) > 10
    for role, path, body in pages:
        match = RAW.search(body)
        assert match is None, (
            role,
            path,
            body[max(0, match.start() - 200) : match.end() + 50] if match else "",
        )


# The fields that some page shows as text (a book id only appears inside URLs).
SHOWN = BOOK_FIELDS + USER_FIELDS + ADDRESS_FIELDS + ("phone", "category", "q", "next")


@pytest.mark.parametrize("field", SHOWN)
def test_each_hostile_field_is_shown_escaped_somewhere(pages, field):
    """Proves the pages above really showed the field (so the test above can fail)."""
    shown = [path for _, path, body in pages if escaped(field) in body]
    assert shown, f"{field} is shown nowhere"


def test_messages_carrying_a_users_name_are_escaped(hostile_world):
    """The welcome message is built from the user's first name and kept in a cookie."""
    from tests.conftest import PASSWORD

    user = hostile_world.users["shopper"]
    client = Client()
    response = client.post(
        "/accounts/sign-in/", {"email": user.email, "password": PASSWORD}, follow=True
    )
    stats.record_response(response.status_code)
    body = response.content.decode()
    assert "xss-first_name" in body
    assert RAW.search(body) is None
