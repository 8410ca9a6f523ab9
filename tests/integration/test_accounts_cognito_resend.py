"""The registration verification page's "Send a new code" button."""

from accounts.models import User
from accounts.selectors import user_get_by_email
from tests.cognito_fixtures import code_in
from tests.integration.test_accounts_cognito import GOOD, register

VERIFY = "/accounts/register/verify/"


def resend(client, email="ada@example.com"):
    return client.post(VERIFY, {"email": email, "resend": "1"})


def test_verification_page_offers_to_send_a_new_code(client, cognito):
    page = client.get(VERIFY + "?email=ada@example.com").content.decode()
    assert 'name="resend"' in page and "Send a new code</button>" in page


def test_send_a_new_code_emails_one_that_verifies_the_account(client, cognito, mailoutbox):
    register(client)
    response = resend(client)
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?email=ada%40example.com"
    assert len(mailoutbox) == 2 and mailoutbox[-1].to == ["ada@example.com"]
    assert "new" in mailoutbox[-1].subject
    page = client.get(response["Location"]).content.decode()
    assert "we have emailed it a new code" in page
    new_code = code_in(mailoutbox[-1])
    assert len(new_code) == 6
    response = client.post(VERIFY, {"email": "ada@example.com", "code": new_code})
    assert response["Location"] == "/accounts/sign-in/"
    assert User.get(user_get_by_email(email="ada@example.com").user_id).is_active


def test_send_a_new_code_needs_no_code_but_a_valid_email(client, cognito, mailoutbox):
    response = resend(client, email="not an email")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address" in page
    assert not mailoutbox


def test_send_a_new_code_says_the_same_for_unknown_and_verified_accounts(
    client, cognito, mailoutbox
):
    register(client)
    client.post(VERIFY, {"email": "ada@example.com", "code": code_in(mailoutbox[-1])})
    sent = len(mailoutbox)
    for email in ("ada@example.com", "nobody@example.com"):
        response = resend(client, email=email)
        assert response.status_code == 302
        assert f"If {email} is waiting" in client.get(response["Location"]).content.decode()
    assert len(mailoutbox) == sent


def test_send_a_new_code_is_throttled(client, cognito, mailoutbox, settings):
    settings.PASSWORD_RESET_THROTTLE_PER_ACCOUNT = 2
    register(client, password=GOOD)
    for _ in range(2):
        assert resend(client).status_code == 302
    response = resend(client)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in response.content.decode()
    assert len(mailoutbox) == 3  # the registration's code and two new ones


def test_there_is_no_code_to_send_with_the_built_in_service(client, tables, mailoutbox):
    """Built-in registrations are active at once: the page and its button are not found."""
    assert resend(client).status_code == 404
    assert not mailoutbox
