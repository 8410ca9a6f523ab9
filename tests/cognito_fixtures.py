"""The Cognito identity service in tests: a fresh user pool in the suite's emulator (moto's
cognito-idp, same server as DynamoDB and S3) for each test that asks for one."""

import itertools
import re

import pytest

_pools = itertools.count(1)


def cognito_on(settings):
    """Switch ``settings`` (pytest-django's fixture) to Cognito with a new pool."""
    from accounts.identity.cognito import user_pool_create

    pool_id, client_id = user_pool_create(name=f"cloudshelf-test-{next(_pools)}")
    settings.IDENTITY_SERVICE = "cognito"
    settings.COGNITO_USER_POOL_ID = pool_id
    settings.COGNITO_CLIENT_ID = client_id
    return {"pool_id": pool_id, "client_id": client_id}


@pytest.fixture
def cognito(settings, tables):
    """IDENTITY_SERVICE = "cognito" with a pool and app client of this test's own."""
    return cognito_on(settings)


@pytest.fixture(params=["builtin", "cognito"])
def identity(request, tables):
    """Run a test with each identity service."""
    if request.param == "cognito":
        request.getfixturevalue("cognito")
    return request.param


def code_in(message):
    """The code in an email the local Cognito stand-in delivered."""
    match = re.search(r"code is: (\S+)", message.body)
    assert match, message.body
    return match.group(1)


TOTP_SECRET = "asdfasdfasdf"  # moto's fixed secret (moto.cognitoidp.models)


def totp_now(secret=TOTP_SECRET):
    """The current RFC 6238 code (SHA-1, 6 digits, 30 s), as an authenticator app shows it.
    Made with ``cryptography``'s TOTP: pyotp 2.12 refuses moto's 7-byte secret (it wants at
    least 112 bits)."""
    import base64
    import time

    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    totp = TOTP(key, 6, SHA1(), 30, enforce_key_length=False)
    return totp.generate(int(time.time())).decode()
