"""A developer's laptop: DEBUG on, and the embedded local AWS unless an endpoint is
configured or real AWS is asked for with CLOUDSHELF_USE_REAL_AWS=1."""

from .base import *
from .base import BASE_DIR, DYNAMODB_ENDPOINT_URL, env, env_bool, use_local_aws

DEBUG = env_bool("DJANGO_DEBUG", True)

if not DYNAMODB_ENDPOINT_URL and not env_bool("CLOUDSHELF_USE_REAL_AWS"):
    globals().update(
        use_local_aws(
            port=int(env("CLOUDSHELF_LOCALAWS_PORT", "9566")),
            data_dir=env("CLOUDSHELF_LOCALAWS_DIR", str(BASE_DIR / ".localaws")),
            seed=True,
        )
    )

# Deliver stream records to the projections within about a second (cloudshelf/streams/).
STREAM_POLL_INTERVAL = float(env("STREAM_POLL_INTERVAL", "0.5"))

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Serve static files straight from the source folders (no collectstatic needed).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
