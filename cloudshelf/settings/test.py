"""The test suite: its own emulator on a free port, in memory, empty at start."""

import os
import socket

from .base import *
from .base import env, use_local_aws, use_local_stripe


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


DEBUG = False
# The suite's own localstripe; a server the suite starts (gunicorn) inherits its port.
os.environ.setdefault("CLOUDSHELF_LOCALSTRIPE_PORT", str(_free_port()))
globals().update(use_local_stripe(port=int(os.environ["CLOUDSHELF_LOCALSTRIPE_PORT"])))
# A server started by a test (gunicorn, for example) joins the suite's emulator through
# CLOUDSHELF_LOCALAWS_PORT; the suite itself takes a free port.
globals().update(
    use_local_aws(
        port=int(env("CLOUDSHELF_LOCALAWS_PORT", "0")) or _free_port(), data_dir=None, seed=False
    )
)
# Tests deliver stream records when they choose (cloudshelf.streams.local.deliver_pending);
# a server a test starts may poll instead (CLOUDSHELF_STREAM_POLL_INTERVAL).
STREAM_POLL_INTERVAL = float(env("CLOUDSHELF_STREAM_POLL_INTERVAL", "0")) or None
# The suite's emulator answers one request at a time; on a loaded machine a request may wait
# behind a Scan. Fail only on a real hang (tests of timeouts set their own, through the env).
DYNAMODB_READ_TIMEOUT = float(env("DYNAMODB_READ_TIMEOUT", "20"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Serve static files straight from the source folders (no collectstatic needed).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
