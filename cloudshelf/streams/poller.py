"""The local stream reader's thread: in the serving process (cloudshelf/wsgi.py) when
``settings.STREAM_POLL_INTERVAL`` is set, i.e. on a laptop and in servers tests start."""

import logging
import threading

from django.conf import settings

log = logging.getLogger(__name__)

_started = threading.Event()
_stop = threading.Event()
_threads: list[threading.Thread] = []


def _run(interval: float) -> None:
    from cloudshelf.streams.local import deliver_once

    while not _stop.wait(interval):
        try:
            deliver_once()
        except Exception:  # the emulator may be restarting: keep polling
            log.warning("stream delivery failed; trying again", exc_info=True)


def poller_start(*, interval: float | None = None) -> bool:
    """Start the thread once per process (every ``interval`` seconds, by default
    ``STREAM_POLL_INTERVAL``); returns True if this call started it."""
    interval = interval or settings.STREAM_POLL_INTERVAL
    if not interval or _started.is_set():
        return False
    _started.set()
    _stop.clear()
    # The thread's streams client needs boto3, and so does a request's first use of the S3
    # storage; imported by both threads at once, boto3 can be seen half-initialised
    # ("cannot import name 'Session' from partially initialized module").
    import boto3  # noqa: F401

    thread = threading.Thread(target=_run, args=(interval,), name="stream-poller", daemon=True)
    thread.start()
    _threads.append(thread)
    log.info("delivering stream records every %.1f s", interval)
    return True


def poller_stop() -> None:
    """Stop the thread and wait for its round to end (tests that run after it)."""
    _stop.set()
    while _threads:
        _threads.pop().join(timeout=10)
    _started.clear()
