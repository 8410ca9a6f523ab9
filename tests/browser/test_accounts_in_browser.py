"""A shopper's account in a real browser: register, profile, sign out and in, reset."""

import re

import pytest

from accounts.selectors import user_get_by_email
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_width, audit_accessibility
from tests.conftest import PASSWORD

GOOD = "tidal lantern orchard 42"


def fill(page, fields):
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)


def test_shopper_registers_edits_the_profile_and_signs_back_in(open_page, live_url):
    page = open_page(PHONE)
    page.goto(live_url + "/")
    page.get_by_role("link", name="Register").click()
    audit_accessibility(page)
    fill(
        page,
        {
            "Email": "ada@example.com",
            "First name": "Ada",
            "Last name": "Lovelace",
            "Password": "password",
            "Confirm password": "password",
        },
    )
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("This password is too common.").wait_for()
    audit_accessibility(page)
    fill(page, {"Password": GOOD, "Confirm password": GOOD})
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("Signed in as Ada").wait_for()

    page.get_by_role("link", name="Profile").click()
    audit_accessibility(page)
    fill(
        page,
        {
            "Phone": "+1-555-0123",
            "Street": "123 Main St",
            "City": "Anytown",
            "State or region": "ST",
            "Postal code": "12345",
            "Country": "US",
        },
    )
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile has been saved.").wait_for()
    assert user_get_by_email(email="ada@example.com").address.city == "Anytown"

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").click()
    fill(page, {"Email": "ADA@example.com", "Password": GOOD})
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as Ada").wait_for()


def test_shopper_resets_a_forgotten_password_from_the_emailed_link(
    open_page, live_url, make_user, mailoutbox
):
    user = make_user(first_name="Ada")
    page = open_page(PHONE)
    page.goto(live_url + "/accounts/sign-in/")
    page.get_by_role("link", name="Forgot your password?").click()
    audit_accessibility(page)
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    audit_accessibility(page)
    fill(page, {"New password": GOOD, "Confirm new password": GOOD})
    page.get_by_role("button", name="Set new password").click()
    page.get_by_text("Your new password is set.").wait_for()
    fill(page, {"Email": user.email, "Password": GOOD})
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as Ada").wait_for()
    page.goto(link)
    page.get_by_text("has expired or has already been used").wait_for()


def test_password_change_keeps_this_browser_signed_in(open_page, live_url, make_user):
    user = make_user(first_name="Ada")
    page = open_page(DESKTOP)
    page.goto(live_url + "/accounts/sign-in/")
    fill(page, {"Email": user.email, "Password": PASSWORD})
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_url + "/accounts/password/")
    audit_accessibility(page)
    fill(page, {"Current password": PASSWORD, "New password": GOOD, "Confirm new password": GOOD})
    page.get_by_role("button", name="Change password").click()
    page.get_by_text("Your password has been changed.").wait_for()
    page.get_by_text("Signed in as Ada").wait_for()


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/register/",
        "/accounts/sign-in/",
        "/accounts/password-reset/",
        "/accounts/password-reset/done/",
    ],
)
def test_account_pages_fit_a_phone(open_page, live_url, path):
    page = open_page(PHONE)
    page.goto(live_url + path)
    assert_fits_width(page)
    audit_accessibility(page)
