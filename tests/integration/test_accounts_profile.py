"""The profile page (names, email, phone, postal address) and the password change."""

import pytest
from django.test import Client

from accounts.models import EmailClaim, User
from accounts.selectors import user_get_by_email
from accounts.services import EmailTaken, user_create
from tests.conftest import PASSWORD, sign_in

NEW = "tidal lantern orchard 42"

# With each identity service (an email change updates the pool user too).
pytestmark = pytest.mark.usefixtures("identity")


def profile_data(user, **fields):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "current_password": "",
        "phone": "",
        "street": "",
        "city": "",
        "state": "",
        "postal_code": "",
        "country": "",
    }
    data.update(fields)
    return data


ADDRESS = {
    "street": "123 Main St",
    "city": "Anytown",
    "state": "ST",
    "postal_code": "12345",
    "country": "us",
}


def test_profile_needs_a_signed_in_user(client, tables):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=%2Faccounts%2Fprofile%2F"


def test_profile_edit_saves_phone_and_address_as_the_seed_shows_them(shopper_client):
    user = shopper_client.user
    response = shopper_client.post(
        "/accounts/profile/",
        profile_data(user, first_name="John", last_name="Doe", phone="+1-555-0123", **ADDRESS),
    )
    assert response.status_code == 302
    stored = User.get(user.user_id, consistent_read=True)
    assert (stored.first_name, stored.last_name, stored.phone) == ("John", "Doe", "+1-555-0123")
    assert stored.address.as_dict() == {
        "street": "123 Main St",
        "city": "Anytown",
        "state": "ST",
        "postal_code": "12345",
        "country": "US",
    }


def test_profile_page_shows_what_was_saved(shopper_client):
    shopper_client.post(
        "/accounts/profile/", profile_data(shopper_client.user, phone="+1-555-0123", **ADDRESS)
    )
    page = shopper_client.get("/accounts/profile/").content.decode()
    assert 'value="+1-555-0123"' in page and 'value="123 Main St"' in page


def test_clearing_phone_and_address_removes_them(shopper_client):
    user = shopper_client.user
    shopper_client.post("/accounts/profile/", profile_data(user, phone="+1-555-0123", **ADDRESS))
    shopper_client.post("/accounts/profile/", profile_data(user))
    stored = User.get(user.user_id, consistent_read=True)
    assert stored.phone is None and stored.address is None


def test_an_incomplete_address_is_refused_and_kept_in_the_form(shopper_client):
    response = shopper_client.post(
        "/accounts/profile/", profile_data(shopper_client.user, street="123 Main St")
    )
    assert response.status_code == 400
    assert "Needed for a postal address." in response.content.decode()
    assert 'value="123 Main St"' in response.content.decode()
    assert User.get(shopper_client.user.user_id, consistent_read=True).address is None


def test_a_bad_phone_number_is_refused(shopper_client):
    response = shopper_client.post(
        "/accounts/profile/", profile_data(shopper_client.user, phone="call me maybe")
    )
    assert response.status_code == 400


def test_profile_page_costs_one_session_and_one_user_read(shopper_client, dynamodb_requests):
    shopper_client.get("/accounts/profile/")
    assert dict(dynamodb_requests) == {"GetItem": 2}


def test_changing_email_needs_the_current_password(shopper_client):
    user = shopper_client.user
    response = shopper_client.post(
        "/accounts/profile/",
        profile_data(user, email="new@example.com", current_password="not my password"),
    )
    assert response.status_code == 400
    assert "Your current password is not correct." in response.content.decode()
    assert User.get(user.user_id, consistent_read=True).email == user.email


def test_changing_email_moves_the_claim_in_one_go(shopper_client, mailoutbox):
    user, old_email = shopper_client.user, shopper_client.user.email
    response = shopper_client.post(
        "/accounts/profile/",
        profile_data(user, email="New@Example.com", current_password=PASSWORD),
    )
    assert response.status_code == 302
    assert User.get(user.user_id, consistent_read=True).email == "new@example.com"
    assert EmailClaim.get("email#new@example.com", consistent_read=True).owner_id == user.user_id
    assert user_create(email=old_email, password=PASSWORD).email == old_email  # old email free
    sign_in(Client(), user_get_by_email(email="new@example.com"))


def test_changing_email_to_a_taken_one_changes_nothing(shopper_client, make_user):
    other = make_user(email="taken@example.com")
    user = shopper_client.user
    response = shopper_client.post(
        "/accounts/profile/",
        profile_data(
            user, first_name="Changed", email="TAKEN@example.com", current_password=PASSWORD
        ),
    )
    assert response.status_code == 400
    assert "An account with this email already exists." in response.content.decode()
    stored = User.get(user.user_id, consistent_read=True)
    assert (stored.email, stored.first_name) == (user.email, user.first_name)
    assert (
        EmailClaim.get("email#taken@example.com", consistent_read=True).owner_id == other.user_id
    )
    with pytest.raises(EmailTaken):  # the old email is still claimed
        user_create(email=user.email, password=PASSWORD)


def change_password(client, old=PASSWORD, new=NEW):
    return client.post(
        "/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_password_change_ends_other_sessions_but_keeps_this_one(make_user):
    user = make_user(first_name="Ada")
    here, elsewhere = sign_in(Client(), user), sign_in(Client(), user)
    response = change_password(here)
    assert response.status_code == 302
    assert "Signed in as Ada" in here.get("/accounts/profile/").content.decode()
    assert "Signed in as Ada" not in elsewhere.get("/accounts/sign-in/").content.decode()


def test_password_change_replaces_the_session_key(shopper_client):
    from django.conf import settings

    before = shopper_client.cookies[settings.SESSION_COOKIE_NAME].value
    change_password(shopper_client)
    assert shopper_client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_new_password_works_and_old_one_does_not(shopper_client):
    change_password(shopper_client)
    user = shopper_client.user
    old = Client().post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    assert old.status_code == 400
    sign_in(Client(), user, password=NEW)


def test_password_change_with_a_wrong_current_password_is_refused(shopper_client):
    response = change_password(shopper_client, old="not it at all")
    assert response.status_code == 400
    assert "Your current password is not correct." in response.content.decode()
    sign_in(Client(), shopper_client.user)


def test_password_change_to_a_weak_password_is_refused(shopper_client):
    response = change_password(shopper_client, new="12345678")
    assert response.status_code == 400
    assert "This password is entirely numeric." in response.content.decode()
    sign_in(Client(), shopper_client.user)
