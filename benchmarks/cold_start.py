#!/usr/bin/env python
"""Cold start: from a fresh Python process to the first response through Zappa's Lambda
handler, for CloudShelf (production settings, its secret from SSM, DynamoDB and S3 in the
local emulator) beside a bare `django-admin startproject` project on the same machine.

    .venv/bin/python benchmarks/cold_start.py [--runs 7]

Prints figures; it is not a test. Lambda's own part of a cold start (fetching the package,
starting the runtime) is not here, nor is the network to real AWS; what is here is what
the package's size and imports cost, which is what the project controls.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API_HOST = "abc123defg.execute-api.us-east-1.amazonaws.com"
SECRETS = {
    "django-secret-key": "benchmark-" + "b" * 50,
    "stripe-secret-key": "sk_test_benchmark",
    "stripe-publishable-key": "pk_test_benchmark",
    "stripe-webhook-secret": "whsec_benchmark",
}

# Runs in the fresh process: Lambda's init (build the handler) and the first event.
CHILD = textwrap.dedent("""
    import json, os, resource, sys, time
    started = time.perf_counter()
    sys.path[:0] = json.loads(sys.argv[1])
    from zappa.handler import LambdaHandler
    handler = LambdaHandler()
    initialised = time.perf_counter()
    event = {"path": sys.argv[2], "httpMethod": "GET", "resource": "/{proxy+}",
             "headers": {"Host": sys.argv[3], "X-Forwarded-Proto": "https"},
             "multiValueHeaders": {"Host": [sys.argv[3]], "X-Forwarded-Proto": ["https"]},
             "queryStringParameters": None, "multiValueQueryStringParameters": None,
             "requestContext": {"stage": "production", "requestId": "cold-start"},
             "body": None, "isBase64Encoded": False}
    response = handler.handler(event, None)
    done = time.perf_counter()
    sys.__stdout__.write(json.dumps({
        "status": response["statusCode"], "init": initialised - started,
        "first": done - initialised,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}) + "\\n")
""")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, **kwargs):
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)


def cold_start(paths, path, host, env, cwd):
    """Wall time from spawning the process to reading the first response."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps([str(p) for p in paths]), path, host],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(result.stdout + result.stderr)
    return {"wall": wall, **json.loads(lines[-1])}


def cloudshelf_lambda(work, endpoint):
    """The production stage's zappa_settings.py, static files, secret and data."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(work),
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "localaws",
        "AWS_SECRET_ACCESS_KEY": "localaws",
        "AWS_DEFAULT_REGION": "us-east-1",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "COVERS_BUCKET_NAME": "cloudshelf-covers-123456789012",
    }
    run(
        [
            sys.executable,
            "-m",
            "zappa.cli",
            "save-python-settings-file",
            "production",
            "-o",
            str(work / "zappa_settings.py"),
        ],
        cwd=ROOT,
        env=env,
    )
    build = {
        **env,
        "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.production",
        "DJANGO_SECRET_KEY": "benchmark",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DEFAULT_FROM_EMAIL": "benchmark@localhost",
    }
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=build)
    run([sys.executable, "manage.py", "create_tables", "--with-bucket"], cwd=ROOT, env=build)
    run([sys.executable, "manage.py", "seed_catalog"], cwd=ROOT, env=build)
    import boto3

    ssm = boto3.client(
        "ssm",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="localaws",
        aws_secret_access_key="localaws",
    )
    for name, value in SECRETS.items():  # the production stage's parameters, all four
        ssm.put_parameter(
            Name=f"/cloudshelf/production/{name}", Type="SecureString", Value=value, Overwrite=True
        )
    return env


def bare_django_lambda(work):
    """`django-admin startproject bare`, with one view and its zappa_settings.py."""
    admin = Path(sys.executable).with_name("django-admin")
    run([str(admin), "startproject", "bare", str(work)])
    with open(work / "bare" / "settings.py", "a") as settings:
        settings.write("\nDEBUG = False\nALLOWED_HOSTS = ['*']\n")
    with open(work / "bare" / "urls.py", "a") as urls:
        urls.write(
            "\nfrom django.http import HttpResponse\n"
            "urlpatterns.append(path('', lambda request: HttpResponse('ok')))\n"
        )
    (work / "zappa_settings.py").write_text(
        textwrap.dedent("""
        DEBUG=False
        LOG_LEVEL='INFO'
        BINARY_SUPPORT=True
        CONTEXT_HEADER_MAPPINGS={}
        DOMAIN=None
        BASE_PATH=None
        ENVIRONMENT_VARIABLES={}
        API_STAGE='production'
        PROJECT_NAME='bare'
        SETTINGS_FILE=None
        DJANGO_SETTINGS='bare.settings'
        EXCEPTION_HANDLER=None
    """)
    )
    return {"PATH": os.environ["PATH"], "HOME": str(work)}


def summary(label, samples, key="wall"):
    values = sorted(s[key] * 1000 for s in samples)
    return f"{label:<44} {statistics.median(values):7.0f} {values[0]:7.0f} {values[-1]:7.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from cloudshelf import localaws

    work = Path(tempfile.mkdtemp(prefix="cold-start-"))
    try:
        port = free_port()
        localaws.ensure_running(port=port, stop_with_pid=os.getpid())
        endpoint = f"http://127.0.0.1:{port}"
        print("preparing: emulator, tables, sample catalog, static files ...", flush=True)
        (work / "cloudshelf").mkdir()
        (work / "bare").mkdir()
        shop_env = cloudshelf_lambda(work / "cloudshelf", endpoint)
        bare_env = bare_django_lambda(work / "bare")
        shop_paths, bare_paths = [work / "cloudshelf", ROOT], [work / "bare"]

        results = {"python": [], "bare": [], "signin": [], "home": []}
        for _ in range(args.runs):  # interleaved, so that machine noise hits all alike
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            results["python"].append({"wall": time.perf_counter() - started})
            results["bare"].append(cold_start(bare_paths, "/", API_HOST, bare_env, work / "bare"))
            results["signin"].append(
                cold_start(
                    shop_paths, "/accounts/sign-in/", API_HOST, shop_env, work / "cloudshelf"
                )
            )
            results["home"].append(
                cold_start(shop_paths, "/", API_HOST, shop_env, work / "cloudshelf")
            )
        for key in ("bare", "signin", "home"):
            statuses = {s["status"] for s in results[key]}
            assert statuses == {200}, (key, statuses)

        print(
            f"\nCold start through Zappa's LambdaHandler, {args.runs} fresh processes each, "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs (ms)"
        )
        print(f"{'':<44} {'median':>7} {'min':>7} {'max':>7}")
        print(summary("python -c pass (interpreter alone)", results["python"]))
        print(summary("bare Django: spawn to first response", results["bare"]))
        print(summary("CloudShelf /accounts/sign-in/ (no DynamoDB)", results["signin"]))
        print(summary("CloudShelf / (one DynamoDB read)", results["home"]))
        print(summary("  of which handler init: bare Django", results["bare"], "init"))
        print(summary("  of which handler init: CloudShelf", results["home"], "init"))
        print(summary("  of which first request: bare Django", results["bare"], "first"))
        print(summary("  of which first request: CloudShelf /", results["home"], "first"))
        for key, label in (("bare", "bare Django"), ("home", "CloudShelf")):
            rss = statistics.median(s["rss_mb"] for s in results[key])
            print(f"peak memory after the first response, {label}: {rss:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
