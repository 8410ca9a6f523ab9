import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudshelf.settings.production")
application = get_wsgi_application()

# The process's one DynamoDB client, made at start-up rather than on the first request.
# Only serving processes make it: management commands (collectstatic in the Lambda build,
# with no credentials and no network) must not resolve AWS credentials.
from cloudshelf.dynamo import client_prepare  # noqa: E402 (needs Django set up)

client_prepare()

# Locally, the serving process also delivers the emulator's stream records.
from cloudshelf.streams.poller import poller_start  # noqa: E402 (needs Django set up)

poller_start()
