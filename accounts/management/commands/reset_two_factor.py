"""Clear a user's two-step sign-in (TOTP) when they have lost their authenticator app:
``manage.py reset_two_factor EMAIL`` (IDENTITY_SERVICE must be "cognito").

The pool stops asking for a code (AdminSetUserMFAPreference), every session and pool token
of the user ends (AdminUserGlobalSignOut), and the reset is logged. A staff member is then
sent to set TOTP up again right after their next sign-in, before any staff page. Check the
person's identity some other way first: this removes their second factor."""

from django.core.management.base import BaseCommand, CommandError

from accounts.identity import is_cognito
from accounts.selectors import user_get_by_email
from accounts.services import user_totp_reset


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("email", help="the user's email (their sign-in name)")

    def handle(self, *args, email, **options):
        if not is_cognito():
            raise CommandError(
                "Two-step sign-in belongs to the Cognito identity service: set "
                "CLOUDSHELF_IDENTITY_SERVICE=cognito."
            )
        user = user_get_by_email(email=email)
        if user is None:
            raise CommandError(f"No account has the email {email}.")
        if not user.totp_enabled:
            self.stdout.write(f"Two-step sign-in is already off for {user.email}.")
            return
        user_totp_reset(user=user)
        then = (
            "They will set it up again right after their next sign-in."
            if user.is_staff
            else "They sign in with their password only until they turn it on again."
        )
        self.stdout.write(f"Two-step sign-in is reset for {user.email}. {then}")
