"""What CloudFront may keep: anonymous catalog pages for a short while, never anything
personal (a signed-in shopper's page, a page for a visitor with a cart or a message, a
response that sets a cookie)."""

import pytest
from django.conf import settings

from store.catalog import summary
from tests.conftest import sign_in

PUBLIC = "public, max-age=60, s-maxage=300"
PRIVATE = "private, no-store"
CATALOG_PAGES = [
    "/",
    "/category/Technology/",
    "/books/Technology/tech-001/",
    "/search/?q=Clean+Code",
]


@pytest.fixture
def catalog(seed_books):
    summary.catalog_summary_rebuild()
    return seed_books


@pytest.mark.parametrize("path", CATALOG_PAGES)
def test_anonymous_catalog_page_may_be_cached_by_cloudfront(client, catalog, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("path", CATALOG_PAGES)
def test_anonymous_catalog_page_sets_no_cookie(client, catalog, path):
    assert not client.get(path).cookies


@pytest.mark.parametrize("path", CATALOG_PAGES)
def test_catalog_page_for_a_signed_in_shopper_is_private(client, catalog, make_user, path):
    sign_in(client, make_user())
    client.cookies.pop("messages", None)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("cookie", ["cloudshelf_cart", "cloudshelf_cart_count"])
@pytest.mark.parametrize("path", CATALOG_PAGES)
def test_catalog_page_for_a_visitor_with_a_cart_is_private(client, catalog, path, cookie):
    client.cookies[cookie] = "a-cart"
    assert client.get(path)["Cache-Control"] == PRIVATE


def test_cart_cookie_setting_is_the_name_the_cdn_keys_on():
    assert settings.CART_COOKIE_NAME == "cloudshelf_cart"


def test_page_showing_a_message_is_private(client, catalog, make_user):
    user = make_user()
    sign_in(client, user)
    client.cookies.pop(settings.SESSION_COOKIE_NAME)
    response = client.get("/")
    assert "Welcome back" in response.content.decode()
    assert response["Cache-Control"] == PRIVATE


def test_sign_in_form_with_its_csrf_cookie_is_private(client, tables):
    response = client.get("/accounts/sign-in/")
    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert response["Cache-Control"] == PRIVATE


def test_missing_page_is_not_cached(client, tables):
    response = client.get("/books/Technology/no-such-book/")
    assert response.status_code == 404
    assert response["Cache-Control"] == PRIVATE


def test_redirect_after_sign_in_is_not_cached(client, make_user):
    response = client.post(
        "/accounts/sign-in/",
        {"email": make_user().email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Cache-Control"] == PRIVATE


def test_cover_keeps_its_own_long_lifetime(client, catalog):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save("covers/t-0123456789ab.jpg", ContentFile(b"\xff\xd8\xff\xe0jpeg"))
    response = client.get("/media/covers/t-0123456789ab.jpg")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_every_page_has_a_content_security_policy(client, catalog):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
