"""Exceptions that reach Django become pages in the site's look: a fault in DynamoDB or S3
(down, throttled, slow) the friendly 503 page, an application error (cloudshelf.errors)
its message with its 4xx status."""

import logging

from botocore.exceptions import (
    ConnectionError as BotocoreConnectionError,
)
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string

from cloudshelf.errors import ApplicationError

log = logging.getLogger(__name__)

UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "SlowDown",
    "TransactionConflictException",
    "InternalError",
    "InternalFailure",
}
NETWORK_ERRORS = (
    BotocoreConnectionError,
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
)


def is_dependency_fault(error):
    """True for the faults of a dependency, as opposed to a bug of ours."""
    while error is not None:
        if isinstance(error, NETWORK_ERRORS):
            return True
        # botocore's timeouts carry ``response = None``: read the code defensively (a
        # PynamoDBException's cause_response_code raises AttributeError for them).
        response = getattr(error, "response", None)
        code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
        if code in UNAVAILABLE_CODES:
            return True
        error = error.__cause__ or getattr(error, "cause", None)
    return False


# Served when even the site's 503 page cannot be rendered.
PLAIN_UNAVAILABLE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Temporarily unavailable · CloudShelf</title></head><body><main>"
    "<h1>CloudShelf is temporarily unavailable</h1><p>Please try again in a few seconds.</p>"
    "</main></body></html>"
)


def unavailable_response(request):
    """The "temporarily unavailable" page (503). It must not fail the way the request
    did: the signed-in user cannot be read while DynamoDB is down, so the page is drawn
    for an anonymous visitor (reading ``request.user`` would read the session again)."""
    from accounts.auth import AnonymousUser

    request.user = AnonymousUser()
    try:
        content = render_to_string("503.html", request=request)
    except Exception:
        log.exception("the 503 page could not be rendered")
        content = PLAIN_UNAVAILABLE
    response = HttpResponse(content, status=503)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response


class DynamoUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_dependency_fault(exception):
            return None
        log.warning("dependency unavailable on %s %s: %r", request.method, request.path, exception)
        return unavailable_response(request)


class ApplicationErrorMiddleware:
    """The one place where an application error that a view did not handle becomes an
    HTML page (the JSON API maps its errors itself, in store/api/responses.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        status = exception.status_code
        context = {"message": exception.message}
        if status != 400:
            context["heading"] = "That could not be done"
        return render(request, "400.html", context, status=status)


def allowed_methods(view):
    """The methods a view answers, when it says so with Django's ``require_http_methods``
    (``require_GET``, ``require_POST``...) anywhere in its chain of decorators; else None
    (a view that answers for itself, such as the JSON API's)."""
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        code = getattr(view, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = view.__closure__[code.co_freevars.index("request_method_list")]
            return list(cell.cell_contents)
        view = getattr(view, "__wrapped__", None)
    return None


def method_not_allowed_response(request, allowed):
    response = render(
        request,
        "405.html",
        {"method": request.method, "allowed": sorted(allowed)},
        status=405,
    )
    response["Allow"] = ", ".join(sorted(allowed))
    return response


class MethodNotAllowedMiddleware:
    """An unsupported method (``PUT /``, ``PROPFIND /``) is a 405 with ``Allow`` in the
    site's look, on every page. It sits before CsrfViewMiddleware: otherwise an unsafe
    method without a token gets a 403 before the view can refuse the method. A 405 a view
    gives itself as a bare HttpResponseNotAllowed is restyled the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            return method_not_allowed_response(request, allowed)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        allowed = allowed_methods(view_func)
        if allowed is None or request.method in allowed:
            return None
        if getattr(view_func, "staff_only", False) and not getattr(
            request.user, "is_staff", False
        ):
            # A staff page tells a visitor who is not staff nothing more, whatever the
            # method: the CSRF check, then the guard, answer as for any other request.
            return None
        return method_not_allowed_response(request, allowed)
