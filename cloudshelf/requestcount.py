"""Count the DynamoDB requests that code makes: for tests of request budgets, and for
benchmarks. Counts API calls (a retried call counts once), in every thread."""

import threading
from collections import Counter
from contextlib import contextmanager

from botocore.client import BaseClient

_lock = threading.Lock()
_active = []
_original = BaseClient._make_api_call


def _counting_make_api_call(self, operation_name, api_params):
    if self.meta.service_model.service_name == "dynamodb":
        with _lock:
            for counter in _active:
                counter[operation_name] += 1
    return _original(self, operation_name, api_params)


@contextmanager
def count_dynamodb_requests():
    """``with count_dynamodb_requests() as counts:`` gives a Counter of operation names."""
    counts = Counter()
    with _lock:
        if not _active:
            BaseClient._make_api_call = _counting_make_api_call
        _active.append(counts)
    try:
        yield counts
    finally:
        with _lock:
            _active.remove(counts)
            if not _active:
                BaseClient._make_api_call = _original
