"""The emulator stopped in the middle of traffic: the site answers its "temporarily
unavailable" page (503, no traceback), writes nothing half-way, and recovers by itself
when the emulator comes back, without a restart of gunicorn."""

import threading
import time

import pytest

from tests.conftest import PASSWORD
from tests.reliability import stats
from tests.reliability.harness import Browser, run_remote

OK_STATUSES = {200, 302, 503}


@pytest.fixture(scope="module")
def outage(outage_stack):
    emulator, server = outage_stack
    data = run_remote(emulator.port, "prepare", PASSWORD)
    return emulator, server, data


def _signed_in(server, email):
    browser = Browser(server.url, fault_expected=True)
    response = browser.sign_in(email, PASSWORD)
    assert response.status_code == 302, response.text[:300]
    return browser


def _paths(data):
    book = data["books"][0]
    return ["/", f"/category/{book['category']}/",
            f"/books/{book['category']}/{book['book_id']}/", f"/media/{book['image_key']}",
            "/search/?q=Outage+Book+1"]


class Traffic:
    """Threads browsing the site until told to stop (bounded by ``limit`` seconds)."""

    def __init__(self, browsers, paths, limit=60):
        self.browsers, self.paths, self.limit = browsers, paths, limit
        self.stop = threading.Event()
        self.seen = []   # (monotonic time, signed_in, path, status, body)
        self.lock = threading.Lock()
        self.errors = []
        self.threads = [threading.Thread(target=self._run, args=(b, signed), daemon=True)
                        for b, signed in browsers]

    def _run(self, browser, signed_in):
        deadline = time.monotonic() + self.limit
        try:
            while not self.stop.is_set() and time.monotonic() < deadline:
                for path in self.paths:
                    response = browser.get(path)
                    body = response.text if "text/html" in response.headers.get(
                        "Content-Type", "") else ""
                    with self.lock:
                        self.seen.append((time.monotonic(), signed_in, path,
                                          response.status_code, body, dict(response.headers)))
        except Exception as error:  # a hung or broken connection is a finding
            self.errors.append(repr(error))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(40)
        assert not any(t.is_alive() for t in self.threads), "a traffic thread hung"


def _wait_until(check, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_stopped_emulator_gives_503_pages_and_the_site_recovers_without_restart(outage):
    emulator, server, data = outage
    paths = _paths(data)
    browsers = [(Browser(server.url, fault_expected=True), False) for _ in range(3)]
    browsers += [(_signed_in(server, email), True) for email in data["emails"][:3]]
    with Traffic(browsers, paths) as traffic:
        time.sleep(1.5)
        emulator.stop()
        stats.add("faults")
        down_at = time.monotonic()
        time.sleep(4)
        emulator.start()
        up_at = time.monotonic()
        recovered = _wait_until(lambda: Browser(server.url).get("/").status_code == 200, 30)
        time.sleep(1.5)
    assert recovered, "the site did not recover after the emulator came back"
    assert not traffic.errors, traffic.errors[:3]
    wrong = {(status, "signed in" if signed else "anonymous", path)
             for _, signed, path, status, _, _ in traffic.seen if status not in OK_STATUSES}
    assert not wrong, sorted(wrong)
    unavailable = [(signed, path, body, headers)
                   for when, signed, path, status, body, headers in traffic.seen
                   if status == 503]
    # The outage was seen by anonymous and signed-in shoppers alike ...
    assert {signed for signed, *_ in unavailable} == {False, True}
    # ... as the site's own page, with a hint to retry, never a traceback.
    for signed, path, body, headers in unavailable:
        assert headers.get("Retry-After"), path
        assert headers.get("Cache-Control") == "no-store", path
        if path.startswith("/media/"):
            continue
        assert "temporarily unavailable" in body, (path, body[:300])
        assert "Traceback" not in body
    # No 503 well after the emulator answered again.
    late = [path for when, _, path, status, _, _ in traffic.seen
            if status == 503 and when > up_at + 10]
    assert not late, late
    assert down_at < up_at


def test_site_recovers_sessions_and_data_after_the_outage(outage):
    """After the outage (the previous test), signed-in shoppers are still signed in and
    every page answers, from the same gunicorn workers (no restart)."""
    emulator, server, data = outage
    browser = _signed_in(server, data["emails"][3])
    for path in _paths(data):
        assert browser.get(path).status_code == 200, path
    assert "Signed in as Out3" in browser.get("/").text
    assert server.process.poll() is None
    booted = server.log_text().count("Booting worker")
    assert booted == 2, f"gunicorn restarted workers: {booted} boots"
