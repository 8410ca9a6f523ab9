"""Count the DynamoDB requests that code makes: for tests of request budgets, and for
benchmarks. Counts API calls (a retried call counts once), in every thread.

``count_dynamodb_requests()`` gives a Counter of operation names (what the tests use).
``record_dynamodb_calls()`` gives the calls themselves: operation, parameters, parsed
response, time spent and thread, optionally asking DynamoDB to return its consumed capacity
(``ReturnConsumedCapacity=TOTAL`` added to the data operations' parameters)."""

import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from botocore.client import BaseClient

from benchmarks.capacity import DATA_OPERATIONS

_lock = threading.Lock()
_active = []
_original = BaseClient._make_api_call


@dataclass
class DynamoDBCall:
    operation: str
    params: dict
    response: dict | None = None
    error: Exception | None = None
    seconds: float = 0.0
    thread: int = 0

    @property
    def reported_capacity(self):
        """Capacity units the server said it consumed (None when it said nothing)."""
        consumed = (self.response or {}).get("ConsumedCapacity")
        if consumed is None:
            return None
        if isinstance(consumed, dict):
            consumed = [consumed]
        return sum(c.get("CapacityUnits", 0) for c in consumed)


@dataclass
class _Recorder:
    calls: list = field(default_factory=list)
    thread: int | None = None  # only calls made by this thread, when set
    consumed_capacity: bool = False


def _recording_make_api_call(self, operation_name, api_params):
    if self.meta.service_model.service_name != "dynamodb":
        return _original(self, operation_name, api_params)
    thread = threading.get_ident()
    with _lock:
        sinks = [s for s in _active if getattr(s, "thread", None) in (None, thread)]
    if any(getattr(s, "consumed_capacity", False) for s in sinks) and (
        operation_name in DATA_OPERATIONS and "ReturnConsumedCapacity" not in api_params
    ):
        api_params = {**api_params, "ReturnConsumedCapacity": "TOTAL"}
    call = DynamoDBCall(operation_name, api_params, thread=thread)
    started = time.perf_counter()
    try:
        call.response = _original(self, operation_name, api_params)
        return call.response
    except Exception as error:
        call.error = error
        raise
    finally:
        call.seconds = time.perf_counter() - started
        for sink in sinks:
            if isinstance(sink, Counter):
                sink[operation_name] += 1
            else:
                sink.calls.append(call)


@contextmanager
def _active_sink(sink):
    with _lock:
        if not _active:
            BaseClient._make_api_call = _recording_make_api_call
        _active.append(sink)
    try:
        yield sink
    finally:
        with _lock:
            _active.remove(sink)
            if not _active:
                BaseClient._make_api_call = _original


@contextmanager
def count_dynamodb_requests():
    """``with count_dynamodb_requests() as counts:`` gives a Counter of operation names."""
    with _active_sink(Counter()) as counts:
        yield counts


@contextmanager
def record_dynamodb_calls(*, this_thread_only=False, consumed_capacity=False):
    """``with record_dynamodb_calls() as calls:`` gives the list of DynamoDBCall made.

    ``this_thread_only`` ignores other threads' calls (a server measuring one request);
    ``consumed_capacity`` asks DynamoDB to report what each data operation consumed."""
    recorder = _Recorder(
        thread=threading.get_ident() if this_thread_only else None,
        consumed_capacity=consumed_capacity,
    )
    with _active_sink(recorder):
        yield recorder.calls
