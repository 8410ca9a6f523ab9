"""Cold start, measured minimally: a fresh Python process to its first response through
CloudShelf's WSGI application, beside the bare Django project, and ``python -X importtime``
broken down by top-level package.

The first-response part is the stand-in used while benchmarks/cold_start.py (the deploy
work, through Zappa's Lambda handler) is not in the build; when it is, the runner calls that
instead and keeps only the import-time breakdown from here.
"""

import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.stats import summary

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5

CLOUDSHELF_FIRST_RESPONSE = """
import json, os, time
from benchmarks.startup import call_wsgi
from django.core.wsgi import get_wsgi_application
status = call_wsgi(get_wsgi_application(), "/")
print(json.dumps({"status": status}))
"""

CLOUDSHELF_IMPORTS = "from django.core.wsgi import get_wsgi_application; get_wsgi_application()"


def call_wsgi(application, path):
    """Ask a WSGI application for ``path``; returns the status code."""
    from io import BytesIO
    from wsgiref.util import setup_testing_defaults

    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": "GET",
        "HTTP_HOST": "localhost",
        "SERVER_NAME": "localhost",
        "wsgi.input": BytesIO(),
    }
    setup_testing_defaults(environ)
    status = []
    body = application(environ, lambda s, h, exc_info=None: status.append(s))
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return int(status[0].split()[0])


def _env(settings, extra=None):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "PYTHONPATH": str(ROOT),
        **(extra or {}),
    }


def first_response_seconds(command, env):
    """Wall seconds from spawning ``command`` to its exit after one response."""
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or '"status": 200' not in result.stdout:
        raise RuntimeError(f"{command} failed: {result.stdout[-300:]} {result.stderr[-600:]}")
    return elapsed


def parse_importtime(stderr):
    """{top-level package: self microseconds} and the total, from -X importtime output."""
    by_package, total = defaultdict(int), 0
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if not match:
            continue
        self_us, name = int(match.group(1)), match.group(4)
        by_package[name.split(".")[0]] += self_us
        total += self_us
    return dict(sorted(by_package.items(), key=lambda kv: -kv[1])), total


def importtime(code, env):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-800:])
    return parse_importtime(result.stderr)


def import_breakdown(emulator_port):
    cloudshelf_env = _env(
        "cloudshelf.settings.test", {"CLOUDSHELF_LOCALAWS_PORT": str(emulator_port)}
    )
    packages, total = importtime(CLOUDSHELF_IMPORTS, cloudshelf_env)
    bare_packages, bare_total = importtime(
        "from django.core.wsgi import get_wsgi_application; get_wsgi_application()",
        _env("benchmarks.bare.settings"),
    )
    return {
        "cloudshelf_total_ms": total / 1000,
        "cloudshelf_by_package_ms": {k: v / 1000 for k, v in packages.items()},
        "bare_django_total_ms": bare_total / 1000,
        "bare_django_by_package_ms": {k: v / 1000 for k, v in bare_packages.items()},
    }


def run(emulator_port, runs=RUNS):
    cloudshelf_env = _env(
        "cloudshelf.settings.test", {"CLOUDSHELF_LOCALAWS_PORT": str(emulator_port)}
    )
    bare_env = _env("benchmarks.bare.settings")
    cloudshelf_cmd = [sys.executable, "-c", CLOUDSHELF_FIRST_RESPONSE]
    bare_cmd = [sys.executable, "-m", "benchmarks.bare", "first-response"]
    python_cmd = [sys.executable, "-c", "print('{\"status\": 200}')"]
    timings = {"cloudshelf": [], "bare_django": [], "python_alone": []}
    for _ in range(runs):  # interleaved, so that noise falls on all three alike
        timings["cloudshelf"].append(first_response_seconds(cloudshelf_cmd, cloudshelf_env))
        timings["bare_django"].append(first_response_seconds(bare_cmd, bare_env))
        timings["python_alone"].append(first_response_seconds(python_cmd, bare_env))
    return {
        "source": "benchmarks/startup.py (minimal stand-in: WSGI application, not the "
        "Lambda handler)",
        "runs": runs,
        "first_response_ms": {k: summary([v * 1000 for v in vs]) for k, vs in timings.items()},
        "importtime": import_breakdown(emulator_port),
    }
