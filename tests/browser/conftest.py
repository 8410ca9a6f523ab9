"""Browser tests: Debian's chromium driven by Playwright against the site served over HTTP
(a threaded WSGI server in this process, backed by the suite's emulator).

On a failure the page's screenshot and HTML are kept in test-artifacts/."""

import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def live_url():
    from django.core.wsgi import get_wsgi_application
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, get_wsgi_application(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(autouse=True)
def stream_poller():
    """As under dev.py serve, the projections follow the streams within about a second;
    stopped after each browser test, so other tests deliver records only when they ask."""
    from cloudshelf.streams.poller import poller_start, poller_stop

    poller_start(interval=0.3)
    yield
    poller_stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed (npm ci)")
        pytest.skip("axe-core is not installed (npm ci)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread for the rest of
    # the session, and Django then refuses its async-unsafe calls (the test that the SQL
    # connection is a dummy) with SynchronousOnlyOperation. Django's documented way out.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, request, tables):
    """``open_page(viewport=DESKTOP)`` gives a fresh browser page (its own cookies)."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for number, context in enumerate(contexts):
            for index, page in enumerate(context.pages):
                stem = ARTIFACTS / f"{request.node.name}-{number}-{index}"
                try:
                    page.screenshot(path=f"{stem}.png", full_page=True)
                    Path(f"{stem}.html").write_text(page.content())
                except Exception:  # noqa: BLE001 (the page may be gone; keep what we can)
                    pass
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()


def audit_accessibility(page):
    """Run axe-core in the page; fail on any serious or critical violation."""
    # Through DevTools, not an inline <script>: the site's Content-Security-Policy (rightly)
    # refuses inline scripts, and the tests keep that policy on.
    page.evaluate(AXE.read_text() + "\n;0")
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"accessibility violations on {page.url}: {serious}"


def assert_fits_width(page):
    """Nothing sticks out sideways (no horizontal scrolling)."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the viewport"
