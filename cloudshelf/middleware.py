"""A fault in DynamoDB or S3 (down, throttled, slow) becomes a friendly 503 page."""

import logging

from botocore.exceptions import (
    ConnectionError as BotocoreConnectionError,
)
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from django.template.response import TemplateResponse
from pynamodb.exceptions import PynamoDBException

log = logging.getLogger(__name__)

UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
    "InternalServerError", "ServiceUnavailable", "SlowDown", "TransactionConflictException",
}
NETWORK_ERRORS = (BotocoreConnectionError, EndpointConnectionError, ConnectTimeoutError,
                  ReadTimeoutError)


def is_dependency_fault(error):
    """True for the faults of a dependency, as opposed to a bug of ours."""
    while error is not None:
        if isinstance(error, NETWORK_ERRORS):
            return True
        if isinstance(error, PynamoDBException) and error.cause_response_code in UNAVAILABLE_CODES:
            return True
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        if code in UNAVAILABLE_CODES:
            return True
        error = error.__cause__ or getattr(error, "cause", None)
    return False


class DynamoUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_dependency_fault(exception):
            return None
        log.warning("dependency unavailable on %s %s: %r", request.method, request.path,
                    exception)
        response = TemplateResponse(request, "503.html", status=503)
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response.render()
