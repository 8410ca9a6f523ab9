"""Turning two-step sign-in (TOTP) off: shoppers from the two-factor page, staff through an
operator's ``manage.py reset_two_factor``."""

import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from tests.cognito_fixtures import totp_now
from tests.conftest import PASSWORD, sign_in
from tests.integration.test_accounts_cognito import _turn_on_totp

PAGE = "/accounts/two-factor/"


def turn_off(client, code=None, password=PASSWORD):
    return client.post(PAGE, {"step": "disable", "code": code or totp_now(), "password": password})


def signs_in_without_a_code(user):
    response = Client().post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    return response.status_code == 302 and response["Location"] != "/accounts/sign-in/code/"


@pytest.fixture
def shopper_with_totp(client, cognito, make_user):
    shopper = make_user()
    sign_in(client, shopper)
    _turn_on_totp(client)
    assert not signs_in_without_a_code(shopper)
    return shopper


def test_shopper_turns_totp_off_with_a_current_code(client, shopper_with_totp):
    assert "Two-step sign-in</h2>\n<p>On." in client.get("/accounts/profile/").content.decode()
    page = client.get(PAGE).content.decode()
    assert "Turn off two-step sign-in</button>" in page
    response = turn_off(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    profile = client.get("/accounts/profile/").content.decode()
    assert "Two-step sign-in is off" in profile and "Two-step sign-in</h2>\n<p>Off." in profile
    assert User.get(shopper_with_totp.user_id).totp_enabled is False
    assert signs_in_without_a_code(shopper_with_totp)


def test_turning_totp_off_needs_the_right_code(client, shopper_with_totp):
    current = totp_now()
    wrong = "000000" if current != "000000" else "111111"
    response = turn_off(client, code=wrong)
    assert response.status_code == 400
    assert "That code is not valid" in response.content.decode()
    assert User.get(shopper_with_totp.user_id).totp_enabled is True
    assert not signs_in_without_a_code(shopper_with_totp)


def test_turning_totp_off_needs_the_right_password(client, shopper_with_totp):
    response = turn_off(client, password="not my password at all")
    assert response.status_code == 400
    assert User.get(shopper_with_totp.user_id).totp_enabled is True


def test_a_malformed_code_gets_a_clear_message(client, shopper_with_totp):
    response = turn_off(client, code="12ab")
    assert response.status_code == 400
    assert "six digits" in response.content.decode()


def test_turning_totp_off_is_throttled(client, shopper_with_totp, settings):
    settings.SIGN_IN_THROTTLE_PER_ACCOUNT = 2
    for _ in range(2):
        turn_off(client, password="wrong password here")
    response = turn_off(client)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert User.get(shopper_with_totp.user_id).totp_enabled is True


def test_staff_are_refused_turning_totp_off(client, cognito, make_user):
    staff = make_user(is_staff=True)
    sign_in(client, staff)
    _turn_on_totp(client)
    page = client.get(PAGE).content.decode()
    assert "Staff accounts must keep it on" in page
    assert "Turn off two-step sign-in</button>" not in page
    response = turn_off(client)
    assert response.status_code == 403
    assert "Staff accounts must keep two-step sign-in on" in response.content.decode()
    assert User.get(staff.user_id).totp_enabled is True
    assert client.get("/admin/").status_code == 200


def test_operator_resets_a_staff_members_lost_totp(client, cognito, make_user, caplog):
    staff = make_user(is_staff=True)
    sign_in(client, staff)
    _turn_on_totp(client)
    out = StringIO()
    with caplog.at_level(logging.WARNING, logger="accounts.services"):
        call_command("reset_two_factor", staff.email.upper(), stdout=out)
    assert "reset for" in out.getvalue() and "next sign-in" in out.getvalue()
    assert any(staff.user_id in r.getMessage() for r in caplog.records)
    assert User.get(staff.user_id).totp_enabled is False
    # The old session has ended; the next sign-in asks for no code, then set-up again.
    assert client.get("/admin/").status_code == 302
    fresh = Client()
    response = fresh.post("/accounts/sign-in/", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] != "/accounts/sign-in/code/"
    assert fresh.get("/admin/")["Location"] == "/accounts/two-factor/"
    _turn_on_totp(fresh)
    assert fresh.get("/admin/").status_code == 200


def test_reset_two_factor_refuses_an_unknown_email(cognito):
    with pytest.raises(CommandError, match="No account has the email"):
        call_command("reset_two_factor", "nobody@example.com")


def test_reset_two_factor_needs_cognito(tables, make_user):
    user = make_user()
    with pytest.raises(CommandError, match="Cognito"):
        call_command("reset_two_factor", user.email)


def test_the_lambda_role_may_reset_a_users_totp_only_with_cognito():
    from tests.deploy_templates import RolePolicy

    pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_TEMPLATE"
    action = "cognito-idp:AdminSetUserMFAPreference"
    assert RolePolicy(identity="cognito").allows(action, pool)
    assert not RolePolicy(identity="builtin").allows(action, pool)
