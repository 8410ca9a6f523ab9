"""Password-reset tokens: ``<user id, base64>.<timestamp, base36>.<hmac>``.

Nothing is stored. The HMAC covers the user's password hash, last sign-in, email and status,
so the token dies as soon as it has been used (the password hash changes), when the user
signs in, or when the email changes; the timestamp makes it expire after
``settings.PASSWORD_RESET_TIMEOUT`` seconds. Django's PasswordResetTokenGenerator works the
same way but expects an ORM user."""

import time

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import (
    base36_to_int,
    int_to_base36,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)

KEY_SALT = "cloudshelf.accounts.password-reset"


def clock():
    """Seconds since the epoch (tests move it to let a token expire)."""
    return time.time()


def _signature(user, timestamp, secret):
    last_login = user.last_login.isoformat() if user.last_login else ""
    value = "|".join(
        [
            user.user_id,
            user.password or "",
            last_login,
            user.email or "",
            user.account_status or "",
            str(timestamp),
        ]
    )
    return salted_hmac(KEY_SALT, value, secret=secret, algorithm="sha256").hexdigest()[::2]


def reset_token_make(*, user):
    timestamp = int(clock())
    user_part = urlsafe_base64_encode(force_bytes(user.user_id))
    return f"{user_part}.{int_to_base36(timestamp)}.{_signature(user, timestamp, settings.SECRET_KEY)}"


def reset_token_user_id(token):
    """The user id a token claims (unverified), or None for a malformed token."""
    try:
        user_part, _, _ = token.split(".")
        return force_str(urlsafe_base64_decode(user_part)) or None
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def reset_token_is_valid(*, user, token):
    try:
        user_part, timestamp_part, signature = token.split(".")
        timestamp = base36_to_int(timestamp_part)
    except (ValueError, TypeError):
        return False
    if reset_token_user_id(token) != user.user_id:
        return False
    age = clock() - timestamp
    if age < -60 or age > settings.PASSWORD_RESET_TIMEOUT:  # a minute of clock skew
        return False
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(signature, _signature(user, timestamp, secret)) for secret in secrets
    )
