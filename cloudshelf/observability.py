"""Logs that can be searched in CloudWatch: one JSON object per line, each carrying the
request it belongs to (path, method, user id if known, the Lambda and API Gateway request
ids), so that an error can be traced from a shopper's report to its traceback."""

import contextvars
import json
import logging

from django.utils.functional import empty

_current_request = contextvars.ContextVar("cloudshelf_request", default=None)


class RequestContextMiddleware:
    """Remembers the request being served, for log records that do not carry it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def lambda_request_ids(request):
    """The Lambda invocation's id and API Gateway's request id, when Zappa ran the request."""
    context = request.META.get("lambda.context")
    event = request.META.get("lambda.event") or {}
    return (
        getattr(context, "aws_request_id", None),
        (event.get("requestContext") or {}).get("requestId"),
    )


def known_user_id(request):
    """The signed-in user's id if this request already knows it. Never reads DynamoDB:
    logging must not fail, or cost, the way the request did."""
    user = request.__dict__.get("user")
    if user is not None:
        wrapped = getattr(user, "_wrapped", user)
        if wrapped is not empty:
            return getattr(wrapped, "user_id", None)
    session = request.__dict__.get("session")
    cache = getattr(session, "_session_cache", None)
    return cache.get("_user_id") if isinstance(cache, dict) else None


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        request = getattr(record, "request", None) or _current_request.get()
        if request is not None and hasattr(request, "META"):
            record.request_id, record.apigw_request_id = lambda_request_ids(request)
            record.method = request.method
            record.path = request.path  # not the query string: it may hold a token
            record.user_id = known_user_id(request)
        return True


CONTEXT_FIELDS = ("method", "path", "status_code", "user_id", "request_id", "apigw_request_id")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "time": self.formatTime(record),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
