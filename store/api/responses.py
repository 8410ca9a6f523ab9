"""What every API view shares: JSON bodies, one error shape, the HTTP status that fits,
and cache headers (catalog answers are public and briefly cacheable by CloudFront; answers
bound to a session are private and never stored).

Errors always look like ``{"error": {"code": "not_found", "message": "...", "fields":
{...}}}`` (``fields`` only for invalid input), whatever went wrong: bad input, a missing
item, a domain rule, a DynamoDB fault (503) or a bug (500, logged)."""

import logging
import re
from functools import wraps

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from cloudshelf.errors import ApplicationError
from cloudshelf.middleware import is_dependency_fault
from store.pagination import InvalidPageToken

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer other than success: ``raise ApiError(400, "invalid_request", "...",
    fields={"q": "Type something to search for."})``."""

    def __init__(self, status, code, message, fields=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields, self.headers = fields, headers or {}


def error_response(status, code, message, fields=None, headers=None):
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    response = JsonResponse({"error": error}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _code_of(error):
    """``OutOfStock`` becomes ``out_of_stock``: a stable code for each domain error."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


def _answer(view, request, args, kwargs):
    try:
        return view(request, *args, **kwargs)
    except ApiError as error:
        return error_response(error.status, error.code, error.message, error.fields, error.headers)
    except Http404:
        return error_response(404, "not_found", "Nothing is here.")
    except InvalidPageToken as error:
        return error_response(400, "invalid_page_token", str(error), {"page_token": str(error)})
    except ApplicationError as error:
        fields = error.details.get("fields") if isinstance(error.details, dict) else None
        return error_response(error.status_code, _code_of(error), error.message, fields)
    except Exception as error:
        if is_dependency_fault(error):
            log.warning("dependency unavailable on %s %s: %r", request.method, request.path, error)
            return error_response(
                503,
                "service_unavailable",
                "The store is temporarily unavailable. Try again shortly.",
                headers={"Retry-After": "5"},
            )
        log.exception("API error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")


def api_view(*methods, public=True):
    """A JSON view answering ``methods`` (GET also answers HEAD). ``public=True`` marks a
    catalog answer that reads no session and may be cached; ``public=False`` one bound to
    the signed-in shopper."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view):
        @csrf_exempt  # write views check the request's origin themselves (see views.py)
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                response = error_response(
                    405,
                    "method_not_allowed",
                    f"{request.method} is not allowed here.",
                    headers={"Allow": ", ".join(sorted(allowed))},
                )
            else:
                response = _answer(view, request, args, kwargs)
            if public and response.status_code < 400:
                seconds = settings.API_CACHE_SECONDS
                response["Cache-Control"] = f"public, max-age={seconds}, s-maxage={seconds}"
            elif public:
                response["Cache-Control"] = "no-store"
            else:
                response["Cache-Control"] = "private, no-store"
                response["Vary"] = "Cookie"
            return response

        return wrapper

    return decorator
