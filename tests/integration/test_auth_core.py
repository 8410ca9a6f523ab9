"""Signing in and out, with server-side sessions in DynamoDB."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from accounts.services import EmailTaken, user_create
from tests.conftest import PASSWORD, sign_in

# The core journeys, with each identity service (built-in users are moved into the pool
# at their first sign-in under Cognito).
pytestmark = pytest.mark.usefixtures("identity")


def test_sign_in_with_the_right_password_signs_in(client, make_user):
    user = make_user(first_name="Ada")
    response = client.post(
        "/accounts/sign-in/", {"email": user.email, "password": PASSWORD}, follow=True
    )
    assert "Signed in as Ada" in response.content.decode()


def test_email_is_case_insensitive_at_sign_in(client, make_user):
    user = make_user(email="Ada@Example.com")
    assert user.email == "ada@example.com"
    response = client.post(
        "/accounts/sign-in/", {"email": "ADA@example.COM", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_wrong_password_is_refused_without_saying_whether_the_email_exists(client, make_user):
    user = make_user()
    wrong = client.post("/accounts/sign-in/", {"email": user.email, "password": "nope-nope"})
    unknown = client.post("/accounts/sign-in/", {"email": "nobody@example.com", "password": "x"})
    assert wrong.status_code == unknown.status_code == 400
    assert b"do not match an active account" in wrong.content
    assert b"do not match an active account" in unknown.content


def test_disabled_account_cannot_sign_in(client, make_user):
    user = make_user()
    user.update(actions=[User.account_status.set("disabled")])
    response = client.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_session_key_is_replaced_at_sign_in(client, make_user):
    user = make_user()
    client.cookies[settings.SESSION_COOKIE_NAME] = "attackerchosenkey00000000000000000000000"
    client.get("/accounts/sign-in/")
    sign_in(client, user)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != (
        "attackerchosenkey00000000000000000000000"
    )


def test_csrf_token_is_rotated_at_sign_in(make_user):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/sign-in/")
    before = client.cookies[settings.CSRF_COOKIE_NAME].value
    user = make_user()
    client.post(
        "/accounts/sign-in/",
        {"email": user.email, "password": PASSWORD, "csrfmiddlewaretoken": before},
    )
    assert client.cookies[settings.CSRF_COOKIE_NAME].value != before


def test_stolen_cookie_is_useless_after_sign_out(client, make_user):
    user = make_user(first_name="Ada")
    sign_in(client, user)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/sign-out/")
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert "Signed in as" not in thief.get("/").content.decode()


def test_password_change_ends_the_users_other_sessions(make_user):
    from django.contrib.auth.hashers import make_password

    user = make_user(first_name="Ada")
    laptop, phone = sign_in(Client(), user), sign_in(Client(), user)
    assert "Signed in as Ada" in phone.get("/").content.decode()
    user.update(actions=[User.password.set(make_password("a brand new passphrase"))])
    assert "Signed in as Ada" not in laptop.get("/").content.decode()


def test_next_redirects_within_the_site_only(client, make_user):
    user = make_user()
    inside = client.post(
        "/accounts/sign-in/?next=/category/Fiction/", {"email": user.email, "password": PASSWORD}
    )
    assert inside["Location"] == "/category/Fiction/"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = Client().post(
            "/accounts/sign-in/", {"email": user.email, "password": PASSWORD, "next": target}
        )
        assert response["Location"] == "/", target


def test_two_concurrent_registrations_with_one_email_leave_one_user(tables):
    def register(n):
        try:
            return user_create(email="race@example.com", password=PASSWORD, first_name=str(n))
        except EmailTaken:
            return None

    with ThreadPoolExecutor(8) as pool:
        created = [u for u in pool.map(register, range(8)) if u]
    assert len(created) == 1
    assert len(list(User.email_index.query("race@example.com"))) == 1


def test_registering_a_taken_email_in_another_case_is_refused(make_user):
    make_user(email="taken@example.com")
    with pytest.raises(EmailTaken):
        user_create(email="TAKEN@example.com", password=PASSWORD)


def test_anonymous_catalog_page_reads_no_session(client, seed_books, dynamodb_requests):
    client.get("/books/Technology/tech-001/")
    # the book; its rating summary and "also bought" (one BatchGetItem)
    assert dict(dynamodb_requests) == {"GetItem": 1, "BatchGetItem": 1}


def test_signed_in_page_costs_one_session_and_one_user_read(
    shopper_client, seed_books, dynamodb_requests
):
    shopper_client.get("/books/Technology/tech-001/")
    # the book, the session, the user; the shopper's ratings, review and wishlist entry
    assert dict(dynamodb_requests) == {"GetItem": 3, "BatchGetItem": 1}
