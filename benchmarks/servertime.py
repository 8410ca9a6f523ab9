"""Server time per page without the database.

Each page is asked for once against the emulator while botocore's HTTP responses are
recorded; then it is asked for again and again with DynamoDB answered from memory: the
recorded responses are handed back where botocore would send the request (its Endpoint's
``_send``, the hook that its ``before-send`` event also short-cuts). Botocore still
serializes every request and parses every response, as it does on Lambda: only the network
and the emulator are gone.

The floor is a bare Django project (benchmarks/bare/) rendering a template to a page of
the same size, timed the same way in a subprocess during the same run.
"""

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

from botocore.awsrequest import AWSResponse
from botocore.endpoint import Endpoint

from benchmarks.stats import summary

ROOT = Path(__file__).resolve().parents[1]
MIN_SECONDS = 1.5
MIN_RUNS = 30
WARMUP = 10
PROFILE_RUNS = 20

_original_send = Endpoint._send


class _Body:
    def __init__(self, content):
        self.content = content

    def stream(self, **_):
        yield self.content


def _key(request):
    target = request.headers.get("X-Amz-Target", b"")
    target = target.decode() if isinstance(target, bytes) else target
    body = request.body or b""
    body = body.encode() if isinstance(body, str) else body
    return target, hashlib.sha256(body).hexdigest()


class Recording:
    """DynamoDB's answers to one page, by operation and request body."""

    def __init__(self):
        self.exact = {}
        self.by_target = defaultdict(list)

    def add(self, request, response):
        key = _key(request)
        stored = (response.status_code, dict(response.headers.items()), response.content)
        self.exact[key] = stored
        self.by_target[key[0]].append(stored)

    def player(self):
        cycles = {target: deque(items) for target, items in self.by_target.items()}

        def answer(request):
            key = _key(request)
            stored = self.exact.get(key)
            if stored is None:  # a body that changes per request (a timestamp): in order
                queue = cycles.get(key[0])
                if not queue:
                    raise LookupError(f"nothing recorded for {key[0]}")
                stored = queue[0]
                queue.rotate(-1)
            status, headers, content = stored
            return AWSResponse(request.url, status, headers, _Body(content))

        return answer


_mode = threading.local()


def _patched_send(self, request):
    handler = getattr(_mode, "handler", None)
    if handler is None or "X-Amz-Target" not in request.headers:
        return _original_send(self, request)
    return handler(self, request)


def _install():
    Endpoint._send = _patched_send


def record(fn):
    """Run ``fn()`` against the real emulator, recording DynamoDB's responses."""
    recording = Recording()

    def handler(endpoint, request):
        response = _original_send(endpoint, request)
        _ = response.content  # read (and keep) the body
        recording.add(request, response)
        return response

    _install()
    _mode.handler = handler
    try:
        result = fn()
    finally:
        _mode.handler = None
    return recording, result


def timed_runs(fn, *, min_seconds=MIN_SECONDS, min_runs=MIN_RUNS, warmup=WARMUP):
    """Wall and CPU milliseconds of each call of ``fn`` after a warm-up."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    deadline = time.perf_counter() + min_seconds
    while len(wall) < min_runs or time.perf_counter() < deadline:
        w0, c0 = time.perf_counter(), time.thread_time()
        fn()
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    return wall, cpu


def replayed(recording, fn):
    """``fn`` wrapped to run with DynamoDB answered from ``recording``."""
    answer = recording.player()

    def run():
        _install()
        _mode.handler = lambda endpoint, request: answer(request)
        try:
            return fn()
        finally:
            _mode.handler = None

    return run


def measure_page(page, ctx):
    client = ctx.client(page.user)
    if page.prepare:
        page.prepare(ctx)
    recording, response = record(lambda: page.request(client, ctx))
    if response.status_code not in page.statuses:
        raise RuntimeError(f"{page.name} answered {response.status_code} while recording")
    size = len(response.content)

    def ask():
        result = page.request(client, ctx)
        if result.status_code not in page.statuses:
            raise RuntimeError(f"{page.name} answered {result.status_code} in replay")

    run = replayed(recording, ask)
    wall, cpu = timed_runs(run)
    in_botocore = botocore_cpu(run)
    by_package, by_part = profile_by_package(run)
    return {
        "page": page.name,
        "label": page.label,
        "response_bytes": size,
        "dynamodb_responses_recorded": sum(len(v) for v in recording.by_target.values()),
        "wall_ms": summary(wall),
        "cpu_ms": summary(cpu),
        "botocore_cpu_ms": summary(in_botocore),
        "cpu_by_package": by_package,
        "cpu_by_part": by_part,
    }


def botocore_cpu(run, runs=MIN_RUNS):
    """CPU milliseconds per page spent inside botocore's client calls (serializing,
    signing, parsing, hooks), timed around each call, for ``runs`` more pages: what the
    page's DynamoDB requests cost before any of Django's or our own work."""
    from botocore.client import BaseClient

    original = BaseClient._make_api_call
    spent = [0.0]

    def timed(self, operation, params):
        started = time.thread_time()
        try:
            return original(self, operation, params)
        finally:
            spent[0] += time.thread_time() - started

    per_page = []
    BaseClient._make_api_call = timed
    try:
        for _ in range(runs):
            spent[0] = 0.0
            run()
            per_page.append(spent[0] * 1000)
    finally:
        BaseClient._make_api_call = original
    return per_page


def _package_of(filename):
    path = filename.replace("\\", "/")
    if "/site-packages/" in path:
        return path.split("/site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if path.startswith(str(ROOT)):
        relative = path[len(str(ROOT)) + 1 :]
        return relative.split("/", 1)[0] if "/" in relative else relative
    if path.startswith("<") or path == "~":
        return "(built-in)"
    return "(standard library)"


# The parts of a page's CPU, by where a function lives (the first prefix that matches).
PARTS = [
    (
        "templates",
        (
            "django/template/",
            "django/templatetags/",
            "/templatetags/",
            "jinja2/",
            "markupsafe/",
            "django/utils/html.py",
            "django/utils/safestring.py",
        ),
    ),
    ("URLs", ("django/urls/",)),
    ("botocore", ("botocore/", "urllib3/", "jmespath/", "dateutil/")),
    ("PynamoDB", ("pynamodb/", "cloudshelf/dynamo.py")),
    (
        "middleware",
        (
            "django/core/handlers/",
            "django/middleware/",
            "middleware.py",
            "whitenoise/",
            "django/contrib/sessions/",
            "django/contrib/messages/",
        ),
    ),
    ("rest of Django", ("django/",)),
]
OTHER_PART = "Python (standard library, built-ins)"
OUR_PART = "our views, selectors, services"


def part_of(filename):
    """Which part of the page's CPU a function of ``filename`` counts in: a prefix of its
    path below site-packages or the project, a folder in it (``/templatetags/``) or its
    file name (``middleware.py``)."""
    path = filename.replace("\\", "/")
    if "/site-packages/" in path:
        where, default = path.split("/site-packages/", 1)[1], OTHER_PART
    elif path.startswith(str(ROOT) + "/"):
        where, default = path[len(str(ROOT)) + 1 :], OUR_PART
    else:
        return OTHER_PART
    for part, prefixes in PARTS:
        if any(_matches(where, prefix) for prefix in prefixes):
            return part
    return default


def _matches(where, prefix):
    if prefix.startswith("/"):
        return prefix in "/" + where
    if "/" not in prefix:
        return where.rsplit("/", 1)[-1] == prefix
    return where.startswith(prefix)


def profile_by_package(run, runs=PROFILE_RUNS):
    """Share of the page's own CPU time (cProfile's tottime) spent in each top-level
    package, and in each part of ``PARTS`` (the standard library's and built-ins' time
    counted in the part that called them): where the milliseconds go. cProfile slows
    everything, evenly enough to compare shares, not to read times."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        run()
    profiler.disable()
    totals = defaultdict(float)
    parts = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, callers) in pstats.Stats(
        profiler
    ).stats.items():
        totals[_package_of(filename)] += tottime
        part = part_of(filename)
        if part != OTHER_PART or not callers:
            parts[part] += tottime
            continue
        # Python's own functions (json, re, html.escape...) count for whoever called them.
        for (caller_file, _l, _n), caller_times in callers.items():
            parts[part_of(caller_file)] += caller_times[2]
    return _shares(totals), _shares(parts)


def _shares(totals):
    grand = sum(totals.values()) or 1
    return {k: v / grand for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}


def floor(sizes):
    """The bare Django project's time for pages of these sizes, from a subprocess."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.bare",
        "render",
        ",".join(str(s) for s in sorted(set(sizes))),
        str(MIN_SECONDS),
    ]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bare.settings",
        "PYTHONPATH": str(ROOT),
    }
    output = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300
    ).stdout
    return {int(k): v for k, v in json.loads(output.strip().splitlines()[-1]).items()}


def production_password_check_ms():
    """CPU of one password check with the production hasher (the test settings, used
    here, hash with MD5 to keep tests fast; production uses PBKDF2)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    encoded = hasher.encode("benchmark password", hasher.salt())
    started = time.thread_time()
    hasher.verify("benchmark password", encoded)
    return (time.thread_time() - started) * 1000


def measure_pages(pages, ctx):
    results = {page.name: measure_page(page, ctx) for page in pages}
    if "sign_in" in results:
        results["sign_in"]["production_password_check_ms"] = production_password_check_ms()
    bare = floor([r["response_bytes"] for r in results.values()])
    for result in results.values():
        base = bare[result["response_bytes"]]
        result["floor"] = base
        result["ratio_to_floor"] = result["cpu_ms"]["p50"] / base["cpu_ms"]["p50"]
        result["wall_ratio_to_floor"] = result["wall_ms"]["p50"] / base["wall_ms"]["p50"]
        # The least ratio a page could have while its requests go through botocore.
        result["botocore_ratio_floor"] = (
            base["cpu_ms"]["p50"] + result["botocore_cpu_ms"]["p50"]
        ) / base["cpu_ms"]["p50"]
    return results
