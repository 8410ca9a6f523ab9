"""Put every user whose password is still built-in into the Cognito user pool, ahead of
their next sign-in (IDENTITY_SERVICE must be "cognito").

Each such user gets a pool user with the same email (verified, no invitation email),
``custom:user_id`` naming the same users-table item, and an unusable random password; the
item keeps its id (so its orders and cart), its profile and its built-in hash. At the next
sign-in with the old password, the site checks the hash once more and makes it the pool's
password (AdminSetUserPassword, permanent), so nobody has to reset anything; a password
reset works at once too. Users already in the pool are left alone: run it as often as you
like. --dry-run only counts."""

from django.core.management.base import BaseCommand, CommandError

from accounts.identity import is_cognito
from accounts.models import User


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, dry_run=False, **options):
        if not is_cognito():
            raise CommandError(
                "The identity service is not Cognito: set CLOUDSHELF_IDENTITY_SERVICE=cognito."
            )
        from accounts.identity.cognito import CognitoIdentity, is_moved, user_move_to_pool

        waiting = [
            user
            for user in User.scan(User.user_id.startswith("user-"))
            if user.email and not user.cognito_sub and not is_moved(user)
        ]
        if dry_run:
            self.stdout.write(f"{len(waiting)} users would be moved into the user pool.")
            return
        identity = CognitoIdentity()
        for user in waiting:
            user_move_to_pool(user=user, password=None, identity=identity)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(waiting)} users moved into the user pool {identity.pool_id}."
            )
        )
