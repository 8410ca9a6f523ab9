"""Resetting a forgotten password through an emailed, single-use, expiring link."""

import re

import pytest
from django.test import Client

from accounts import tokens
from accounts.models import User
from accounts.services import ResetLinkInvalid, password_reset_complete
from tests.conftest import sign_in

NEW = "tidal lantern orchard 42"


def ask_for_reset(email, client=None, address="203.0.113.1"):
    return (client or Client()).post(
        "/accounts/password-reset/", {"email": email}, REMOTE_ADDR=address
    )


def link_in(message):
    match = re.search(r"http://testserver(/accounts/reset/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def set_password(path, password=NEW, client=None):
    return (client or Client()).post(path, {"new_password1": password, "new_password2": password})


def test_reset_emails_one_link_to_the_account(make_user, mailoutbox):
    user = make_user()
    response = ask_for_reset(user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/done/"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
    assert "1 hour" in mailoutbox[0].body


def test_reset_link_sets_a_new_password(make_user, mailoutbox):
    user = make_user()
    ask_for_reset(user.email)
    path = link_in(mailoutbox[0])
    page = Client().get(path)
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    response = set_password(path)
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/"
    sign_in(Client(), user, password=NEW)


def test_reset_link_works_only_once(make_user, mailoutbox):
    user = make_user()
    ask_for_reset(user.email)
    path = link_in(mailoutbox[0])
    assert set_password(path).status_code == 302
    again = set_password(path, password="another fine passphrase")
    assert again.status_code == 400
    assert "has expired or has already been used" in again.content.decode()
    sign_in(Client(), user, password=NEW)


def test_reset_link_is_single_use_even_for_two_requests_at_once(make_user):
    user = make_user()
    token = tokens.reset_token_make(user=user)
    first, second = User.get(user.user_id), User.get(user.user_id)
    password_reset_complete(user=first, token=token, password=NEW)
    with pytest.raises(ResetLinkInvalid):  # read before the first write, written after it
        password_reset_complete(user=second, token=token, password="another fine passphrase")
    sign_in(Client(), user, password=NEW)


def test_reset_link_expires(make_user, mailoutbox, monkeypatch, settings):
    user = make_user()
    ask_for_reset(user.email)
    path = link_in(mailoutbox[0])
    now = tokens.clock()
    monkeypatch.setattr(tokens, "clock", lambda: now + settings.PASSWORD_RESET_TIMEOUT + 1)
    assert Client().get(path).status_code == 400
    assert set_password(path).status_code == 400
    sign_in(Client(), user)


def test_reset_link_still_works_just_before_it_expires(
    make_user, mailoutbox, monkeypatch, settings
):
    user = make_user()
    ask_for_reset(user.email)
    now = tokens.clock()
    monkeypatch.setattr(tokens, "clock", lambda: now + settings.PASSWORD_RESET_TIMEOUT - 5)
    assert set_password(link_in(mailoutbox[0])).status_code == 302


def test_reset_link_dies_when_the_user_signs_in_meanwhile(make_user, mailoutbox):
    user = make_user()
    ask_for_reset(user.email)
    sign_in(Client(), user)
    assert set_password(link_in(mailoutbox[0])).status_code == 400


def test_a_tampered_reset_link_is_refused(make_user, mailoutbox):
    user = make_user()
    ask_for_reset(user.email)
    path = link_in(mailoutbox[0])
    tampered = path[:-3] + ("0" if path[-3] != "0" else "1") + path[-2:]
    assert Client().get(tampered).status_code == 400
    for junk in ("/accounts/reset/x/", "/accounts/reset/a.b.c/", "/accounts/reset/%00.1.2/"):
        assert Client().get(junk).status_code == 400, junk


def test_reset_does_not_tell_whether_an_email_is_registered(make_user, mailoutbox):
    user = make_user()
    known = ask_for_reset(user.email, address="203.0.113.1")
    unknown = ask_for_reset("nobody@example.com", address="203.0.113.2")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mailoutbox) == 1


def test_reset_for_a_disabled_account_sends_nothing(make_user, mailoutbox):
    user = make_user()
    user.update(actions=[User.account_status.set("disabled")])
    assert ask_for_reset(user.email).status_code == 302
    assert mailoutbox == []


def test_reset_ends_every_session_of_the_user(make_user, mailoutbox):
    user = make_user(first_name="Ada")
    laptop = sign_in(Client(), user)
    ask_for_reset(user.email)
    set_password(link_in(mailoutbox[0]))
    assert "Signed in as Ada" not in laptop.get("/accounts/sign-in/").content.decode()


def test_reset_refuses_a_weak_password_and_keeps_the_link_usable(make_user, mailoutbox):
    user = make_user()
    ask_for_reset(user.email)
    path = link_in(mailoutbox[0])
    weak = set_password(path, password="password")
    assert weak.status_code == 400 and "This password is too common." in weak.content.decode()
    assert set_password(path).status_code == 302


def test_reset_requests_are_throttled_the_same_for_known_and_unknown_emails(
    make_user, settings, mailoutbox
):
    settings.PASSWORD_RESET_THROTTLE_PER_ACCOUNT = 2
    user = make_user()
    known = [ask_for_reset(user.email, address=f"203.0.113.{n}").status_code for n in range(3)]
    unknown = [
        ask_for_reset("nobody@example.com", address=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert known == unknown == [302, 302, 429]
    assert len(mailoutbox) == 2


def test_a_completed_reset_lifts_the_sign_in_throttle(make_user, mailoutbox, settings):
    settings.SIGN_IN_THROTTLE_PER_ACCOUNT = 2
    user = make_user()
    for n in range(2):
        Client().post(
            "/accounts/sign-in/",
            {"email": user.email, "password": "x"},
            REMOTE_ADDR=f"203.0.113.{n}",
        )
    ask_for_reset(user.email)
    set_password(link_in(mailoutbox[0]))
    sign_in(Client(), user, password=NEW)
