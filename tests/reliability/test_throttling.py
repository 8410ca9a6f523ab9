"""Sign-in throttling holds under parallel guessing: through gunicorn, many wrong
passwords sent at the same instant are held to the configured limit, per account and per
client address, and the right password is refused while the limit holds."""

import threading
from collections import Counter

import pytest
from django.conf import settings

from tests.conftest import PASSWORD
from tests.reliability.harness import Browser, form_with, forms_of


def _guess_in_parallel(site, attempts):
    """``attempts``: [(email, password)], all sent at once; returns a Counter of statuses."""
    ready = []
    for email, password in attempts:
        browser = Browser(site.url)
        page = browser.get("/accounts/sign-in/")
        form = form_with(forms_of(page.text, "/accounts/sign-in/"), field="password")
        ready.append((browser, {**form.fields, "email": email, "password": password}, form))
    gate = threading.Barrier(len(ready), timeout=60)
    statuses = Counter()
    lock = threading.Lock()

    def guess(browser, data, form):
        gate.wait()
        status = browser.post(form.action, data).status_code
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=guess, args=item, daemon=True) for item in ready]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert not any(thread.is_alive() for thread in threads)
    return statuses


def test_parallel_guesses_at_one_account_are_held_to_the_account_limit(site, make_user):
    user = make_user()
    limit = settings.SIGN_IN_THROTTLE_PER_ACCOUNT
    statuses = _guess_in_parallel(site, [(user.email, f"wrong-{n}") for n in range(30)])
    assert sum(statuses.values()) == 30
    assert set(statuses) <= {400, 429}, statuses
    assert statuses[400] <= limit, f"{statuses[400]} guesses were checked (limit {limit})"
    right = Browser(site.url).sign_in(user.email, PASSWORD)
    assert right.status_code == 429


def test_parallel_guesses_from_one_address_are_held_to_the_address_limit(site, tables):
    limit = settings.SIGN_IN_THROTTLE_PER_ADDRESS
    attempts = [(f"nobody{n}@example.com", "wrong") for n in range(limit + 15)]
    statuses = _guess_in_parallel(site, attempts)
    assert set(statuses) <= {400, 429}, statuses
    assert statuses[400] <= limit, f"{statuses[400]} guesses were checked (limit {limit})"


@pytest.fixture(autouse=True)
def _fresh_counts(tables):
    """Every test starts with empty tables, throttle counters included."""
