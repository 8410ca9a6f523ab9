"""The suite's figures, collected from every test (and every thread) of tests/reliability/
and printed at the end of the run by conftest.py's terminal summary."""

import threading
from collections import Counter

FIGURES = (
    ("requests", "requests served"),
    ("orders", "orders placed"),
    ("faults", "faults injected"),
    ("hostile", "hostile inputs tried"),
    ("expected_503", "503 pages during injected faults"),
    ("unexpected_5xx", "5xx seen"),
    ("data_lost", "data lost"),
)

_lock = threading.Lock()
_counts = Counter()


def add(name, amount=1):
    with _lock:
        _counts[name] += amount


def snapshot():
    with _lock:
        return Counter(_counts)


def record_response(status, *, fault_expected=False):
    """Count one response; a 5xx counts as unexpected unless a fault was being injected
    and the answer is the site's 503 page."""
    with _lock:
        _counts["requests"] += 1
        if status >= 500:
            if fault_expected and status == 503:
                _counts["expected_503"] += 1
            else:
                _counts["unexpected_5xx"] += 1
