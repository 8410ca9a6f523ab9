"""What a cold start imports: the production Lambda app with its whole URLconf loaded (as
the first request loads it) and every URL name reversed, in a fresh process, loads none of
what only a staff page, a payment or a schema needs; the staff pages' lazy views behave as
the views themselves."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from cloudshelf.lazyviews import LazyView
from cloudshelf.middleware import allowed_methods

ROOT = Path(__file__).resolve().parents[2]

# Imported by the page (or call) that needs it, never at start-up.
NOT_AT_START_UP = [
    "PIL",  # cover images: staff uploads and the sample catalog's covers
    "stripe",  # payments
    "aiohttp",  # comes with stripe
    "requests",  # comes with stripe
    "boto3",  # stream records, S3 storage; botocore alone reads SSM and DynamoDB
    "moto",  # the local emulator
    "store.staff.views",
    "store.staff.forms",
    "store.staff.charts",
    "store.catalog.bulk",  # the staff CSV import
    "store.catalog.covers",
    "store.api.openapi",
    "cloudshelf.streams.dispatcher",
    "cloudshelf.localaws.fast_serialize",
]

CHILD = """
import json, sys
import cloudshelf.lambda_app
from django.urls import get_resolver, reverse
resolver = get_resolver()
resolver.url_patterns
reverse("store:home"), reverse("staff:book-list"), reverse("staff:dashboard")
print(json.dumps(sorted(sys.modules)))
"""


def production_env():
    return {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.production",
        "DJANGO_SECRET_KEY": "start-up-imports-" + "s" * 40,
        "DJANGO_ALLOWED_HOSTS": "shop.example.com",
        "DEFAULT_FROM_EMAIL": "shop@example.com",
        "DJANGO_STATIC_ROOT": str(ROOT / "staticfiles"),
        "AWS_DEFAULT_REGION": "us-east-1",
        # Never used: making a client opens no connection.
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "none",
        "AWS_SECRET_ACCESS_KEY": "none",
    }


@pytest.fixture(scope="module")
def start_up_modules():
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize("module", NOT_AT_START_UP)
def test_lambda_app_with_its_urlconf_does_not_import(start_up_modules, module):
    loaded = sorted(m for m in start_up_modules if m == module or m.startswith(module + "."))
    assert loaded == []


def test_lambda_app_with_its_urlconf_imports_the_shopper_views(start_up_modules):
    # The check above means something only if the URLconf was really loaded.
    assert {"store.views", "store.staff.urls", "cloudshelf.urls"} <= start_up_modules


def lazy_patterns(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from lazy_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and isinstance(entry.callback, LazyView):
            yield entry


def test_staff_pages_are_routed_through_lazy_views():
    names = {pattern.name for pattern in lazy_patterns()}
    assert {"dashboard", "book-list", "book-import", "book-cover", "order-list"} <= names


@pytest.mark.parametrize("pattern", list(lazy_patterns()), ids=lambda p: p.name)
def test_lazy_view_names_a_view_and_answers_as_it(pattern):
    lazy = pattern.callback
    real = lazy.view  # imports it: a misspelt path fails here, not on a staff member's click
    assert callable(real) and not isinstance(real, LazyView)
    # What the middleware reads off a view is the real view's.
    assert allowed_methods(lazy) == allowed_methods(real)
    assert getattr(lazy, "staff_only", False) == getattr(real, "staff_only", False) is True
    assert getattr(lazy, "csrf_exempt", False) == getattr(real, "csrf_exempt", False)
    assert lazy.__wrapped__ is real.__wrapped__


def test_lazy_view_is_reversed_and_resolved_by_its_name():
    path = reverse("staff:book-detail", args=["Technology", "tech-001"])
    assert path == "/admin/books/Technology/tech-001/"
    match = resolve(path)
    assert isinstance(match.func, LazyView)
    assert match.view_name == "staff:book-detail"
    assert match.func.__module__ == "store.staff.views.books"


def test_lazy_view_calls_the_view_with_the_request_and_arguments():
    calls = []
    lazy = LazyView("tests.unit.test_startup_imports.recording_view")
    recording_view.calls = calls
    assert lazy("request", "a", b=1) == "answered"
    assert calls == [("request", ("a",), {"b": 1})]


def recording_view(request, *args, **kwargs):
    recording_view.calls.append((request, args, kwargs))
    return "answered"


def test_lazy_view_refuses_a_name_without_a_module():
    with pytest.raises(ValueError, match="dotted path"):
        LazyView("book_list")
