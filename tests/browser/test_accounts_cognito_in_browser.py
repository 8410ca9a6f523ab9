"""The Cognito identity service in a real browser: registering with the emailed code, and a
staff member setting up TOTP (the QR code drawn by the server, under the strict CSP) and
then signing in with a code before reaching the staff pages."""

from tests.browser.conftest import DESKTOP, PHONE, audit_accessibility
from tests.cognito_fixtures import code_in, totp_now
from tests.conftest import PASSWORD

GOOD = "tidal lantern orchard 42"


def fill(page, fields):
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)


def test_shopper_registers_with_the_emailed_code_and_signs_in(
    open_page, live_url, cognito, mailoutbox
):
    page = open_page(PHONE)
    page.goto(live_url + "/accounts/register/")
    fill(
        page,
        {
            "Email": "ada@example.com",
            "First name": "Ada",
            "Last name": "Lovelace",
            "Password": GOOD,
            "Confirm password": GOOD,
        },
    )
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Verify your email").wait_for()
    audit_accessibility(page)
    page.get_by_label("Verification code").fill("not the code")
    page.get_by_label("Verification code").fill(code_in(mailoutbox[-1]))
    page.get_by_role("button", name="Verify my email").click()
    page.get_by_text("Your email address is verified.").wait_for()
    fill(page, {"Email": "ada@example.com", "Password": GOOD})
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as Ada").wait_for()


def test_staff_sets_up_totp_and_needs_a_code_for_the_staff_pages(
    open_page, live_url, cognito, make_user
):
    staff = make_user(first_name="Bo", is_staff=True)
    page = open_page(DESKTOP)
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(live_url + "/accounts/sign-in/?next=/admin/")
    fill(page, {"Email": staff.email, "Password": PASSWORD})
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Two-step sign-in").wait_for()
    page.get_by_text("Staff pages need two-step sign-in").wait_for()
    audit_accessibility(page)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Set up two-step sign-in").click()
    assert page.locator("svg title", has_text="QR code").count() == 1
    assert page.locator("#totp-secret").inner_text().strip()
    audit_accessibility(page)
    fill(page, {"Code from your authenticator app": totp_now(), "Current password": PASSWORD})
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_text("Two-step sign-in is on.").wait_for()
    page.get_by_role("button", name="Sign out").click()

    page.goto(live_url + "/accounts/sign-in/?next=/admin/")
    fill(page, {"Email": staff.email, "Password": PASSWORD})
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Two-step sign-in").wait_for()
    audit_accessibility(page)
    page.get_by_label("Code from your authenticator app").fill(totp_now())
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Welcome back, Bo").wait_for()
    assert "/admin/" in page.url
    assert blocked == []
