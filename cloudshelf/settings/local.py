"""A developer's laptop: DEBUG on, and the embedded local AWS unless an endpoint is
configured or real AWS is asked for with CLOUDSHELF_USE_REAL_AWS=1."""

from .base import *
from .base import (
    BASE_DIR,
    DYNAMODB_ENDPOINT_URL,
    STRIPE_SECRET_KEY,
    env,
    env_bool,
    use_local_aws,
    use_local_stripe,
)

DEBUG = env_bool("DJANGO_DEBUG", True)

if not DYNAMODB_ENDPOINT_URL and not env_bool("CLOUDSHELF_USE_REAL_AWS"):
    globals().update(
        use_local_aws(
            port=int(env("CLOUDSHELF_LOCALAWS_PORT", "9566")),
            data_dir=env("CLOUDSHELF_LOCALAWS_DIR", str(BASE_DIR / ".localaws")),
            seed=True,
        )
    )

# Card payments: localstripe on 127.0.0.1:8420 unless Stripe keys are configured; its
# webhooks go to runserver's default address.
if not STRIPE_SECRET_KEY:
    globals().update(
        use_local_stripe(
            port=int(env("CLOUDSHELF_LOCALSTRIPE_PORT", "8420")),
            webhook_url=env(
                "CLOUDSHELF_LOCALSTRIPE_WEBHOOK_URL", "http://127.0.0.1:8000/payments/webhook/"
            ),
        )
    )

# Deliver stream records to the projections within about a second (cloudshelf/streams/).
STREAM_POLL_INTERVAL = float(env("STREAM_POLL_INTERVAL", "0.5"))

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Serve static files straight from the source folders (no collectstatic needed).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
