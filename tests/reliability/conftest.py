"""The reliability and security suite: the site under gunicorn (against the suite's
emulator, a fault-injecting proxy, or a stand-alone emulator that a test stops), and the
figures printed at the end of the run."""

import pytest
from django.conf import settings

from tests.reliability import stats
from tests.reliability.faultproxy import FaultProxy
from tests.reliability.harness import Emulator, Gunicorn


def pytest_terminal_summary(terminalreporter):
    figures = stats.snapshot()
    if not figures:
        return
    terminalreporter.write_sep("=", "reliability and security figures")
    for key, label in stats.FIGURES:
        terminalreporter.write_line(f"{label:>34}: {figures.get(key, 0)}")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site under gunicorn (gthread workers), on the suite's own emulator."""
    server = Gunicorn(
        aws_port=settings.LOCALAWS["port"],
        log_path=tmp_path_factory.mktemp("gunicorn") / "site.log",
    )
    yield server
    server.stop()


# The proxied site fails fast so that a slow DynamoDB shows in a second, not in minutes.
PROXIED_READ_TIMEOUT = 1.0
PROXIED_MAX_ATTEMPTS = 3


@pytest.fixture(scope="session")
def fault_proxy():
    proxy = FaultProxy(settings.LOCALAWS["port"]).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="session")
def proxied_site(fault_proxy, tmp_path_factory):
    """The site under gunicorn, reaching the suite's emulator through the fault proxy."""
    server = Gunicorn(
        aws_port=fault_proxy.port,
        workers=1,
        threads=4,
        log_path=tmp_path_factory.mktemp("gunicorn") / "proxied.log",
        env={
            "DYNAMODB_READ_TIMEOUT": str(PROXIED_READ_TIMEOUT),
            "DYNAMODB_CONNECT_TIMEOUT": "1",
            "DYNAMODB_MAX_ATTEMPTS": str(PROXIED_MAX_ATTEMPTS),
        },
    )
    yield server
    server.stop()


@pytest.fixture
def proxy(fault_proxy, proxied_site, tables):
    fault_proxy.reset()
    yield fault_proxy
    fault_proxy.reset()


@pytest.fixture(scope="module")
def outage_stack(tmp_path_factory):
    """A stand-alone emulator (which a test may stop and restart; its data survives) and
    the site under gunicorn on it: ``(emulator, server)``."""
    folder = tmp_path_factory.mktemp("outage")
    emulator = Emulator(data_dir=folder / "data", log_path=folder / "emulator.log")
    emulator.start()
    try:
        server = Gunicorn(
            aws_port=emulator.port,
            workers=2,
            threads=4,
            log_path=folder / "gunicorn.log",
            env={"DYNAMODB_READ_TIMEOUT": "2", "DYNAMODB_CONNECT_TIMEOUT": "1"},
        )
    except Exception:
        emulator.stop()
        raise
    yield emulator, server
    server.stop()
    emulator.stop()


@pytest.fixture(scope="module")
def world():
    """One small store per module, shared by its tests (see world.py)."""
    from tests.reliability.world import world_make

    return world_make()
