import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudshelf.settings.production")
application = get_wsgi_application()

# Locally, the serving process also delivers the emulator's stream records.
from cloudshelf.streams.poller import poller_start  # noqa: E402 (needs Django set up)

poller_start()
