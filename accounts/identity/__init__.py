"""The identity service: who holds passwords, verification codes, resets and second factors.

``settings.IDENTITY_SERVICE`` picks one: ``"builtin"`` (password hashes in the users table,
the default) or ``"cognito"`` (an Amazon Cognito user pool). The account services in
``accounts/services.py`` call ``identity_service()`` for every step that touches a
password; throttling, the users table, the email's sentinel and the session stay theirs.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

from cloudshelf.errors import ApplicationError

if TYPE_CHECKING:
    from accounts.models import User


class IdentityError(ApplicationError):
    """A step the identity service refused, with a message fit for the person."""

    message = "That did not work. Please try again."


class CodeInvalid(IdentityError):
    message = "That code is not valid: check it, or ask for a new one."


class NotConfirmed(IdentityError):
    message = "Please enter the verification code we emailed you to finish registering."


class PasswordRefused(IdentityError):
    message = "The identity service refused this password: choose a longer one."


class NotSupported(IdentityError):
    message = "This identity service does not offer that."


@dataclass(frozen=True)
class SignInResult:
    """A signed-in ``user``, or a second step (``challenge``, with the pool's ``session``),
    or neither: the credentials were refused."""

    user: "User | None" = None
    challenge: str = ""
    session: str = ""


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    uri: str


class IdentityService(Protocol):
    name: str
    #: Registration ends with a code sent by email (``registration_confirm``).
    confirms_registration: bool
    #: Password resets use an emailed code (``password_reset_confirm``), not a link.
    resets_by_code: bool
    offers_totp: bool

    def register(
        self, *, email: str, password: str, first_name: str, last_name: str
    ) -> "User": ...

    def registration_confirm(self, *, email: str, code: str) -> "User": ...

    def authenticate(self, *, email: str, password: str) -> SignInResult: ...

    def challenge_respond(self, *, email: str, session: str, code: str) -> "User": ...

    def password_check(self, *, user: "User", password: str) -> bool: ...

    def password_change(self, *, user: "User", old_password: str, new_password: str) -> None: ...

    def email_change(self, *, user: "User", new_email: str) -> None: ...

    def password_reset_send(self, *, user: "User") -> None: ...

    def registration_code_resend(self, *, user: "User") -> None: ...

    def password_reset_confirm(self, *, email: str, code: str, password: str) -> "User": ...

    def sign_out_everywhere(self, *, user: "User") -> None: ...

    def totp_associate(self, *, user: "User", password: str) -> TotpSetup: ...

    def totp_enable(self, *, user: "User", password: str, code: str) -> None: ...

    def totp_disable(self, *, user: "User", password: str, code: str) -> None: ...

    def totp_reset(self, *, user: "User") -> None: ...


def identity_service() -> IdentityService:
    """The configured identity service (cheap: no request is made here)."""
    if settings.IDENTITY_SERVICE == "cognito":
        from accounts.identity.cognito import CognitoIdentity

        return CognitoIdentity()
    from accounts.identity.builtin import BuiltinIdentity

    return BuiltinIdentity()


def is_cognito() -> bool:
    return bool(settings.IDENTITY_SERVICE == "cognito")
