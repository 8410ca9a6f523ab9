"""Opaque page tokens: a DynamoDB LastEvaluatedKey, signed so it cannot be forged."""

from typing import Any

from django.core import signing

from cloudshelf.errors import ApplicationError

SALT = "cloudshelf.page-token"


class InvalidPageToken(ApplicationError, ValueError):
    message = "This page link is not valid."
    status_code = 400


def encode_page_token(last_evaluated_key: dict[str, Any] | None, *, scope: str) -> str | None:
    if not last_evaluated_key:
        return None
    return signing.dumps({"scope": scope, "key": last_evaluated_key}, salt=SALT, compress=True)


def decode_page_token(token: str | None, *, scope: str) -> dict[str, Any] | None:
    """The LastEvaluatedKey in ``token``, or None for no token; raises InvalidPageToken
    for anything we did not sign for this scope."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise InvalidPageToken("This page link is not valid.") from error
    if (
        not isinstance(data, dict)
        or data.get("scope") != scope
        or not isinstance(data.get("key"), dict)
    ):
        raise InvalidPageToken("This page link is not valid.")
    return data["key"]
