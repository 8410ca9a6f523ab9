"""Password-reset tokens: ``<user id, base64>.<Django's token>``, made and checked by
Django's ``PasswordResetTokenGenerator``.

Nothing is stored. The generator's HMAC covers the user's password hash, last sign-in and
email (plus, here, the account's status), so the token dies as soon as it has been used
(the password hash changes), when the user signs in, when the email changes or when the
account is disabled; its timestamp makes it expire after ``settings.PASSWORD_RESET_TIMEOUT``
seconds; ``SECRET_KEY_FALLBACKS`` are honoured. The user model gives it what it reads of
a user: ``pk``, ``password``, ``last_login`` and ``get_email_field_name()``."""

import time
from datetime import UTC, datetime

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


def clock():
    """Seconds since the epoch (tests move it to let a token expire)."""
    return time.time()


class ResetTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "cloudshelf.accounts.password-reset"

    def _make_hash_value(self, user, timestamp):
        return super()._make_hash_value(user, timestamp) + (user.account_status or "")

    def _now(self):
        return datetime.fromtimestamp(clock(), UTC).replace(tzinfo=None)


generator = ResetTokenGenerator()


def reset_token_make(*, user):
    user_part = urlsafe_base64_encode(force_bytes(user.user_id))
    return f"{user_part}.{generator.make_token(user)}"


def reset_token_user_id(token):
    """The user id a token claims (unverified), or None for a malformed token."""
    try:
        user_part, _ = token.split(".")
        return force_str(urlsafe_base64_decode(user_part)) or None
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def reset_token_is_valid(*, user, token):
    if reset_token_user_id(token) != user.user_id:
        return False
    return generator.check_token(user, token.split(".")[1])
