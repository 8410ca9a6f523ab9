"""Registering an account, against the emulator."""

from django.conf import settings

from accounts.auth import user_signed_in
from accounts.models import EmailClaim, User
from accounts.selectors import user_get_by_email
from tests.conftest import PASSWORD, sign_in

GOOD = "tidal lantern orchard 42"


def register(client, **fields):
    data = {
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "new_password1": GOOD,
        "new_password2": GOOD,
    }
    data.update(fields)
    return client.post("/accounts/register/", data)


def test_registration_creates_the_user_in_the_seeds_shape(client, tables):
    response = register(client, email="Ada@Example.com")
    assert response.status_code == 302
    user = user_get_by_email(email="ada@example.com")
    assert (user.email, user.first_name, user.last_name) == ("ada@example.com", "Ada", "Lovelace")
    assert user.account_status == "active" and user.created_at and not user.is_staff
    assert user.user_id.startswith("user-") and "ada" not in user.user_id
    assert user.password.startswith("md5$") and GOOD not in user.password


def test_registration_signs_the_new_user_in(client, tables):
    register(client)
    assert "Signed in as Ada" in client.get("/").content.decode()


def test_registration_sends_the_signed_in_signal(client, tables):
    received = []

    def receiver(sender, request, user, **kwargs):
        received.append(user.email)

    user_signed_in.connect(receiver)
    try:
        register(client)
    finally:
        user_signed_in.disconnect(receiver)
    assert received == ["ada@example.com"]


def test_registration_sends_one_welcome_email(client, tables, mailoutbox):
    register(client)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.com"]
    assert "Welcome" in mailoutbox[0].subject
    assert "http://testserver/" in mailoutbox[0].body


def test_registering_a_taken_email_in_any_case_is_refused(client, make_user, mailoutbox):
    make_user(email="ada@example.com")
    response = register(client, email="ADA@example.COM")
    assert response.status_code == 400
    assert "An account with this email already exists." in response.content.decode()
    assert len(list(User.email_index.query("ada@example.com"))) == 1
    assert mailoutbox == []


def test_weak_password_is_refused_with_its_reason_and_the_form_keeps_what_was_typed(
    client, tables
):
    response = register(
        client,
        email="grace@example.com",
        first_name="Grace",
        last_name="Hopper",
        new_password1="password",
        new_password2="password",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This password is too common." in page
    assert 'value="grace@example.com"' in page
    assert 'value="Grace"' in page and 'value="Hopper"' in page
    assert 'value="password"' not in page
    assert user_get_by_email(email="grace@example.com") is None


def test_password_like_the_email_is_refused_without_an_orm_user(client, tables):
    response = register(
        client, email="zanzibar@example.com", new_password1="zanzibar1", new_password2="zanzibar1"
    )
    assert response.status_code == 400
    assert "The password is too similar to the email address." in response.content.decode()


def test_passwords_that_differ_are_refused(client, tables):
    response = register(client, new_password2=GOOD + "!")
    assert response.status_code == 400
    assert "The two passwords do not match." in response.content.decode()


def test_registration_claims_the_email_with_a_sentinel_naming_the_owner(client, tables):
    register(client)
    user = user_get_by_email(email="ada@example.com")
    claim = EmailClaim.get("email#ada@example.com", consistent_read=True)
    assert claim.owner_id == user.user_id


def test_registration_carries_next_within_the_site(client, tables):
    response = client.post(
        "/accounts/register/?next=/category/Fiction/",
        {
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": "L",
            "new_password1": GOOD,
            "new_password2": GOOD,
        },
    )
    assert response["Location"] == "/category/Fiction/"


def test_signing_in_as_another_user_starts_a_clean_session(client, make_user):
    first, second = make_user(), make_user(first_name="Bea")
    sign_in(client, first)
    session = client.session
    session["left_behind"] = "first user's data"
    session.save()
    sign_in(client, second)
    assert "left_behind" not in client.session
    assert client.cookies[settings.SESSION_COOKIE_NAME].value


def test_anonymous_pages_link_to_register_and_sign_in(client, tables):
    page = client.get("/accounts/sign-in/").content.decode()
    assert 'href="/accounts/register/"' in page and 'href="/accounts/sign-in/"' in page


def test_signed_in_header_links_to_profile_and_sign_out(shopper_client, seed_books):
    page = shopper_client.get("/").content.decode()
    assert 'href="/accounts/profile/"' in page and 'action="/accounts/sign-out/"' in page
    assert 'href="/accounts/register/"' not in page


def test_disabled_account_loses_its_open_session(client, make_user):
    user = make_user(first_name="Ada")
    sign_in(client, user)
    user.update(actions=[User.account_status.set("disabled")])
    assert "Signed in as Ada" not in client.get("/accounts/sign-in/").content.decode()


def test_disabled_account_is_refused_even_with_the_right_password(client, make_user):
    user = make_user()
    user.update(actions=[User.account_status.set("disabled")])
    response = client.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert settings.SESSION_COOKIE_NAME not in response.cookies
