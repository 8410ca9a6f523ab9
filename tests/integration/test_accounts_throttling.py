"""Failed sign-ins are throttled per account and per client address, in DynamoDB."""

import re

import pytest
from django.test import Client

from accounts import throttles
from accounts.models import Throttle
from tests.conftest import PASSWORD, sign_in

# The core journeys, with each identity service (built-in users are moved into the pool
# at their first sign-in under Cognito).
pytestmark = pytest.mark.usefixtures("identity")


@pytest.fixture
def limits(settings):
    settings.SIGN_IN_THROTTLE_PER_ACCOUNT = 3
    settings.SIGN_IN_THROTTLE_PER_ADDRESS = 5
    settings.THROTTLE_WINDOW_SECONDS = 600
    return settings


def attempt(email, password="wrong guess", address="203.0.113.1", client=None):
    return (client or Client()).post(
        "/accounts/sign-in/", {"email": email, "password": password}, REMOTE_ADDR=address
    )


def alerts(response):
    return re.findall(r'role="alert">([^<]*)<', response.content.decode())


def fail(email, times, address="203.0.113.1", **kwargs):
    return [attempt(email, address=address, **kwargs).status_code for _ in range(times)]


def test_an_account_is_throttled_after_its_limit_of_failures(limits, make_user):
    user = make_user()
    addresses = [f"203.0.113.{n}" for n in range(1, 5)]  # one attempt from each address
    codes = [attempt(user.email, address=a).status_code for a in addresses]
    assert codes == [400, 400, 400, 429]


def test_a_throttled_account_refuses_even_the_right_password(limits, make_user):
    user = make_user()
    fail(user.email, 3)
    response = attempt(user.email, password=PASSWORD, address="198.51.100.7")
    assert response.status_code == 429
    assert re.search(
        r"Too many attempts\. Please wait \d+ minutes? and try again\.", response.content.decode()
    )
    assert 0 < int(response["Retry-After"]) <= 600


def test_an_address_is_throttled_across_accounts(limits, make_user):
    emails = [f"guess{n}@example.com" for n in range(6)]
    codes = [attempt(email, address="203.0.113.9").status_code for email in emails]
    assert codes == [400] * 5 + [429]
    user = make_user()
    assert attempt(user.email, PASSWORD, address="203.0.113.10").status_code == 302


def test_throttling_lifts_when_the_window_has_passed(limits, make_user, monkeypatch):
    user = make_user()
    fail(user.email, 3)
    assert attempt(user.email, PASSWORD).status_code == 429
    now = throttles.clock()
    monkeypatch.setattr(throttles, "clock", lambda: now + limits.THROTTLE_WINDOW_SECONDS)
    assert attempt(user.email, PASSWORD).status_code == 302


def test_throttling_lifts_with_a_short_window(settings, make_user):
    import time

    settings.SIGN_IN_THROTTLE_PER_ACCOUNT = 2
    settings.THROTTLE_WINDOW_SECONDS = 2
    user = make_user()
    while attempt(user.email).status_code != 429:  # (the window may turn meanwhile)
        pass
    time.sleep(2)
    assert attempt(user.email, PASSWORD).status_code == 302


def test_throttling_does_not_tell_whether_an_email_is_registered(limits, make_user):
    user = make_user()
    fail(user.email, 3, address="203.0.113.1")
    fail("nobody@example.com", 3, address="203.0.113.2")
    known = attempt(user.email, address="203.0.113.3")
    unknown = attempt("nobody@example.com", address="203.0.113.4")
    assert known.status_code == unknown.status_code == 429
    assert alerts(known) and alerts(known) == alerts(unknown)


def test_a_successful_sign_in_clears_the_accounts_failures(limits, make_user):
    user = make_user()
    fail(user.email, 2)
    sign_in(Client(), user)
    assert fail(user.email, 2) == [400, 400]


def test_counters_are_atomic_items_with_a_ttl_and_no_email_in_clear(limits, make_user):
    user = make_user()
    fail(user.email, 2)
    items = list(Throttle.scan())
    assert sorted(item.hits for item in items) == [2, 2]
    assert all(item.expires_at for item in items)
    assert not any(
        user.email in item.throttle_key or "203.0.113.1" in item.throttle_key for item in items
    )


def test_wrong_current_password_at_password_change_counts_as_a_failure(limits, shopper_client):
    for _ in range(3):
        shopper_client.post(
            "/accounts/password/",
            {
                "old_password": "guess",
                "new_password1": "tidal lantern orchard 42",
                "new_password2": "tidal lantern orchard 42",
            },
        )
    assert attempt(shopper_client.user.email, PASSWORD, address="198.51.100.7").status_code == 429


def test_forwarded_address_is_used_only_behind_a_trusted_proxy(limits, make_user):
    limits.CLIENT_IP_TRUSTED_PROXIES = 1
    emails = [f"guess{n}@example.com" for n in range(6)]
    # The proxy (REMOTE_ADDR 10.9.9.9) appends the client it saw; the spoofed first hop changes.
    codes = [
        Client()
        .post(
            "/accounts/sign-in/",
            {"email": e, "password": "x"},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.50",
        )
        .status_code
        for n, e in enumerate(emails)
    ]
    assert codes == [400] * 5 + [429]
    other = Client().post(
        "/accounts/sign-in/",
        {"email": "x@example.com", "password": "x"},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert other.status_code == 400


def test_throttles_table_has_ttl_on_expires_at(tables):
    from cloudshelf.dynamo import connection

    ttl = connection().client.describe_time_to_live(TableName="cloudshelf-throttles")
    assert ttl["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires_at",
    }


def test_a_failed_sign_in_costs_one_read_of_the_counters_and_one_add_each(
    limits, make_user, dynamodb_requests, identity
):
    user = make_user()
    dynamodb_requests.clear()
    attempt(user.email)
    # the two counters (one BatchGetItem), the email lookup, an ADD per counter; with
    # Cognito the email is looked up by key (its sentinel, then the item) after the pool
    # refused the password, to see whether a built-in hash still waits to be moved.
    lookup = {"Query": 1} if identity == "builtin" else {"GetItem": 2}
    assert dict(dynamodb_requests) == {"BatchGetItem": 1, **lookup, "UpdateItem": 2}
