"""The built-in identity service: Django's password hashers over the users table, exactly
as CloudShelf has always worked (reset links, no codes, no second factor)."""

from django.contrib.auth.hashers import check_password, make_password

from accounts.identity import NotSupported, SignInResult, TotpSetup
from accounts.models import User


class BuiltinIdentity:
    name = "builtin"
    confirms_registration = False
    resets_by_code = False
    offers_totp = False

    def register(self, *, email: str, password: str, first_name: str, last_name: str) -> User:
        from accounts.services import user_create

        return user_create(
            email=email, password=password, first_name=first_name, last_name=last_name
        )

    def registration_confirm(self, *, email: str, code: str) -> User:
        raise NotSupported()

    def authenticate(self, *, email: str, password: str) -> SignInResult:
        from accounts.selectors import user_get_by_email

        user = user_get_by_email(email=email)
        if user is None:
            make_password(password)  # spend the same time as a real check
            return SignInResult()
        if not check_password(password, user.password) or not user.is_active:
            return SignInResult()
        return SignInResult(user=user)

    def challenge_respond(self, *, email: str, session: str, code: str) -> User:
        raise NotSupported()

    def password_check(self, *, user: User, password: str) -> bool:
        return bool(check_password(password, user.password))

    def password_change(self, *, user: User, old_password: str, new_password: str) -> None:
        from accounts.services import user_password_set

        user_password_set(user=user, password=new_password)

    def email_change(self, *, user: User, new_email: str) -> None:
        """Nothing to do: the users table is the only place the email lives."""

    def password_reset_send(self, *, user: User) -> None:
        raise NotSupported()  # reset links are made by accounts.services

    def password_reset_confirm(self, *, email: str, code: str, password: str) -> User:
        raise NotSupported()

    def registration_code_resend(self, *, user: User) -> None:
        raise NotSupported()  # built-in registrations are active at once: no code to send

    def sign_out_everywhere(self, *, user: User) -> None:
        """Nothing beyond deleting this session (accounts.auth.logout)."""

    def totp_associate(self, *, user: User, password: str) -> TotpSetup:
        raise NotSupported()

    def totp_enable(self, *, user: User, password: str, code: str) -> None:
        raise NotSupported()

    def totp_disable(self, *, user: User, password: str, code: str) -> None:
        raise NotSupported()

    def totp_reset(self, *, user: User) -> None:
        raise NotSupported()
