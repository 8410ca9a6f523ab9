"""Verifying the ID tokens a Cognito user pool returns, against the pool's published keys.

A token is accepted only when it is signed with RS256 by a key of the pool's JWKS, was
issued by this pool (``iss``) for this app client (``aud``), has not expired, and is an ID
token (``token_use``). Nothing of a token is read before that."""

import threading
from typing import Any

import jwt
from django.conf import settings

from accounts.identity import IdentityError

_clients: dict[str, jwt.PyJWKClient] = {}
_clients_lock = threading.Lock()
# Seconds of clock difference tolerated between this server and the pool.
LEEWAY_SECONDS = 30


class TokenInvalid(IdentityError):
    message = "The identity service's answer could not be verified. Please try again."


def issuer_for(pool_id: str) -> str:
    """The ``iss`` of the pool's tokens (the emulator uses AWS's own form too)."""
    region = pool_id.split("_", 1)[0]
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def jwks_url_for(pool_id: str) -> str:
    """Where the pool publishes its keys: on AWS under the issuer; locally on the
    emulator (``/<pool id>/.well-known/jwks.json``)."""
    base = (
        settings.COGNITO_ENDPOINT_URL
        or f"https://cognito-idp.{pool_id.split('_', 1)[0]}.amazonaws.com"
    )
    return f"{base.rstrip('/')}/{pool_id}/.well-known/jwks.json"


def _jwks_client(url: str) -> jwt.PyJWKClient:
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = jwt.PyJWKClient(url, cache_keys=True, timeout=5)
        return client


def id_token_verify(token: str, *, pool_id: str, client_id: str) -> dict[str, Any]:
    """The claims of a verified ID token of this pool and client; ``TokenInvalid`` else."""
    try:
        key = _jwks_client(jwks_url_for(pool_id)).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=client_id,
            issuer=issuer_for(pool_id),
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
        )
    except (jwt.PyJWTError, ValueError) as error:
        raise TokenInvalid() from error
    if claims.get("token_use") != "id":
        raise TokenInvalid()
    return claims
