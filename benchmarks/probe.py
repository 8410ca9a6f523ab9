"""CloudShelf's WSGI application, with a ``Server-Timing`` header on every response saying
how long the request took in the application and how much of that was spent in DynamoDB
calls (botocore's ``_make_api_call``, for this request's thread only). Served by gunicorn
in the load benchmark; the header is what lets the load generator report the emulator's
share of the time."""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudshelf.settings.test")

from django.core.wsgi import get_wsgi_application

from benchmarks.requestcount import record_dynamodb_calls

_application = get_wsgi_application()


def application(environ, start_response):
    started = time.perf_counter()
    with record_dynamodb_calls(this_thread_only=True) as calls:

        def timed_start_response(status, headers, exc_info=None):
            app_ms = (time.perf_counter() - started) * 1000
            db_ms = sum(call.seconds for call in calls) * 1000
            headers = list(headers) + [
                (
                    "Server-Timing",
                    (f'db;dur={db_ms:.3f};desc="{len(calls)}", app;dur={app_ms:.3f}'),
                )
            ]
            return start_response(status, headers, exc_info)

        return _application(environ, timed_start_response)
