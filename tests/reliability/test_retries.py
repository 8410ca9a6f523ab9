"""Throttling and transient errors from DynamoDB are retried with backoff, and a slow
DynamoDB hits a timeout well under Lambda's: proven through gunicorn with a
fault-injecting proxy in front of the emulator that counts every attempt."""

import time

from tests.conftest import PASSWORD
from tests.reliability.conftest import PROXIED_MAX_ATTEMPTS, PROXIED_READ_TIMEOUT
from tests.reliability.harness import Browser

# botocore's standard mode sleeps a random time below 2**n seconds before retry n.
MAX_BACKOFF = sum(2**n for n in range(PROXIED_MAX_ATTEMPTS - 1))


def _book_path(book):
    return f"/books/{book.category}/{book.book_id}/"


def test_throttled_read_is_retried_until_it_succeeds(proxy, proxied_site, make_book):
    book = make_book(title="Retried Reading")
    proxy.fail_next(PROXIED_MAX_ATTEMPTS - 1, "throttle")
    response = Browser(proxied_site.url).get(_book_path(book))
    assert response.status_code == 200
    assert "Retried Reading" in response.text
    # The book, retried until it succeeds, then its rating summary and "also bought" (one
    # BatchGetItem).
    assert proxy.attempts["GetItem"] == PROXIED_MAX_ATTEMPTS
    assert proxy.attempts["BatchGetItem"] == 1


def test_internal_server_errors_are_retried_until_the_read_succeeds(
    proxy, proxied_site, make_book
):
    book = make_book(title="Survives Hiccups")
    proxy.fail_next(PROXIED_MAX_ATTEMPTS - 1, "500")
    response = Browser(proxied_site.url).get(_book_path(book))
    assert response.status_code == 200
    assert proxy.attempts["GetItem"] == PROXIED_MAX_ATTEMPTS  # the rating summary: BatchGetItem


def test_throttling_exception_on_a_query_is_retried(proxy, proxied_site, make_book):
    make_book(title="Queried Later")
    proxy.fail_next(1, "throttling", operation="Query")
    response = Browser(proxied_site.url).get("/category/Technology/")
    assert response.status_code == 200
    assert "Queried Later" in response.text
    assert proxy.attempts["Query"] == 2


def test_retries_are_spread_out_by_backoff(proxy, proxied_site, make_book):
    book = make_book()
    proxy.fail_next(PROXIED_MAX_ATTEMPTS - 1, "throttle")
    started = time.monotonic()
    assert Browser(proxied_site.url).get(_book_path(book)).status_code == 200
    # Two jittered sleeps (below 1 s and 2 s): together well above a few milliseconds,
    # and never more than their bounds.
    elapsed = time.monotonic() - started
    assert 0.01 < elapsed < MAX_BACKOFF + 2


def test_persistent_throttling_gives_the_503_page_after_the_configured_attempts(
    proxy, proxied_site, make_book
):
    book = make_book()
    proxy.fail_next(50, "throttle")
    response = Browser(proxied_site.url, fault_expected=True).get(_book_path(book))
    assert response.status_code == 503
    assert "temporarily unavailable" in response.text
    assert "Traceback" not in response.text
    assert proxy.attempts["GetItem"] == PROXIED_MAX_ATTEMPTS


def test_slow_dynamodb_times_out_and_answers_503_well_under_lambdas_limit(
    proxy, proxied_site, make_book
):
    book = make_book()
    proxy.delay = PROXIED_READ_TIMEOUT * 3
    started = time.monotonic()
    response = Browser(proxied_site.url, fault_expected=True).get(_book_path(book))
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "temporarily unavailable" in response.text
    assert proxy.attempts["GetItem"] == PROXIED_MAX_ATTEMPTS
    assert elapsed < PROXIED_READ_TIMEOUT * PROXIED_MAX_ATTEMPTS + MAX_BACKOFF + 2


def test_fault_while_saving_the_session_in_middleware_gives_503_and_no_sign_in(
    proxy, proxied_site, make_user
):
    """Signing in writes the session twice: once in the view (a new key) and once in
    SessionMiddleware, after the view. The second write failing is a 503, not a 500,
    and leaves the visitor signed out."""
    user = make_user(first_name="Halfway")
    browser = Browser(proxied_site.url, fault_expected=True)
    page = browser.get("/accounts/sign-in/")
    assert page.status_code == 200
    proxy.fail_next(PROXIED_MAX_ATTEMPTS, "500", operation="PutItem", skip=1)
    response = browser.sign_in(user.email, PASSWORD)
    assert response.status_code == 503, (dict(proxy.attempts), dict(proxy.injected))
    assert "temporarily unavailable" in response.text
    assert proxy.attempts["PutItem"] == 1 + PROXIED_MAX_ATTEMPTS
    proxy.reset()
    assert "Signed in as" not in browser.get("/").text


def test_fault_while_rendering_a_signed_in_page_gives_503(
    proxy, proxied_site, make_user, seed_books
):
    """The home page reads its summary in the view, and the signed-in user (session, then
    user) only while its template draws the header: a fault there is a 503 too."""
    user = make_user(first_name="Rendered")
    browser = Browser(proxied_site.url, fault_expected=True)
    assert browser.sign_in(user.email, PASSWORD).status_code == 302
    assert "Signed in as Rendered" in browser.get("/").text
    proxy.reset()
    proxy.fail_next(PROXIED_MAX_ATTEMPTS, "500", operation="GetItem", skip=1)
    response = browser.get("/")
    assert response.status_code == 503, (dict(proxy.attempts), response.text[:300])
    assert "temporarily unavailable" in response.text
    assert "Traceback" not in response.text
    assert proxy.attempts["GetItem"] == 1 + PROXIED_MAX_ATTEMPTS
    proxy.reset()
    assert "Signed in as Rendered" in browser.get("/").text
