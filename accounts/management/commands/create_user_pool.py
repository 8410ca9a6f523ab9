"""Find or create the Cognito user pool and app client on the local emulator, and print
their ids (COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID). Idempotent: a pool named
COGNITO_USER_POOL_NAME that exists is reused. On AWS the pool comes from deploy/app.yaml
(IdentityService=cognito) and this command refuses to run. The site also does this by
itself the first time it needs the pool locally; the command only makes it visible."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.identity import IdentityError


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        from accounts.identity.cognito import user_pool_ensure

        if settings.COGNITO_USER_POOL_ID:
            self.stdout.write(f"COGNITO_USER_POOL_ID is set: {settings.COGNITO_USER_POOL_ID}")
            return
        try:
            pool_id, client_id = user_pool_ensure()
        except IdentityError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"COGNITO_USER_POOL_ID={pool_id}"))
        self.stdout.write(self.style.SUCCESS(f"COGNITO_CLIENT_ID={client_id}"))
