"""``python -m benchmarks.bare render SIZES SECONDS``: time the bare page at each size
(comma-separated bytes) with Django's test client, printing JSON on the last line.
``python -m benchmarks.bare first-response``: set Django up and answer one request."""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bare.settings")


def render(sizes, seconds):
    import django

    django.setup()
    from django.test import Client

    from benchmarks.servertime import timed_runs
    from benchmarks.stats import summary

    client, results = Client(), {}
    for size in sizes:
        produced = len(client.get(f"/page/{size}/").content)
        wall, cpu = timed_runs(lambda size=size: client.get(f"/page/{size}/"), min_seconds=seconds)
        results[size] = {
            "response_bytes": produced,
            "wall_ms": summary(wall),
            "cpu_ms": summary(cpu),
        }
    print(json.dumps(results))


def first_response():
    from django.core.wsgi import get_wsgi_application

    from benchmarks.startup import call_wsgi

    status = call_wsgi(get_wsgi_application(), "/page/4000/")
    print(json.dumps({"status": status, "process_seconds": time.perf_counter()}))


if __name__ == "__main__":
    if sys.argv[1] == "render":
        render([int(s) for s in sys.argv[2].split(",")], float(sys.argv[3]))
    elif sys.argv[1] == "first-response":
        first_response()
