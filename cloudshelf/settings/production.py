"""AWS Lambda (Zappa) or any server in front of real AWS. Fails loudly without secrets.

The secret key comes from DJANGO_SECRET_KEY, or (on Lambda) from the SSM SecureString
parameter named by DJANGO_SECRET_KEY_PARAMETER, read once at start-up. Where AWS is comes
from the AWS SDK's own variables: the Lambda role's credentials, or AWS_ENDPOINT_URL[_*]
and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (the test suite points them at its emulator).
The embedded emulator is never started here."""

import re

from django.core.exceptions import ImproperlyConfigured

from cloudshelf.secrets import ssm_parameters

from .base import *
from .base import AWS_REGION, BASE_DIR, S3_ENDPOINT_URL, env, env_list, s3_storage

DEBUG = False
LOCALAWS = None

# Secrets not in the environment but named by <SETTING>_PARAMETER: read in one SSM call.
_SECRET_SETTINGS = (
    "DJANGO_SECRET_KEY",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
)
_PARAMETERS = {
    name: env(name + "_PARAMETER")
    for name in _SECRET_SETTINGS
    if not env(name) and env(name + "_PARAMETER")
}
try:
    _SECRETS = ssm_parameters(_PARAMETERS, region=AWS_REGION) if _PARAMETERS else {}
    _SECRETS_ERROR = ""
except ImproperlyConfigured as _error:
    _SECRETS, _SECRETS_ERROR = {}, str(_error)


def _secret_unread(name):
    parameter = _PARAMETERS[name]
    return f"Could not read the SSM parameter {parameter}: {_SECRETS_ERROR or 'not found'}"


SECRET_KEY = env("DJANGO_SECRET_KEY") or _SECRETS.get("DJANGO_SECRET_KEY")
if not SECRET_KEY and "DJANGO_SECRET_KEY" in _PARAMETERS:
    raise ImproperlyConfigured(_secret_unread("DJANGO_SECRET_KEY"))
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_PARAMETER, an SSM parameter name) must be set "
        "in production."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production.")
# The CloudFront (or custom) domain, e.g. https://d1234abcd.cloudfront.net
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The site's public address, e.g. https://d1234abcd.cloudfront.net: links in emails (back-in-
# stock alerts, their confirmations and unsubscribe links) start with it, and they are sent
# by the stream consumer, which has no request to take a host from.
SITE_URL = env("SITE_URL", "").rstrip("/")
if not SITE_URL and CSRF_TRUSTED_ORIGINS:
    SITE_URL = CSRF_TRUSTED_ORIGINS[0].rstrip("/")
if SITE_URL and not re.fullmatch(r"https?://[^/\s?#]+", SITE_URL):
    raise ImproperlyConfigured(
        "SITE_URL must be the site's address, such as https://shop.example.com (no path)."
    )

# Cognito (CLOUDSHELF_IDENTITY_SERVICE=cognito): the stack's pool and app client ids.
if env("CLOUDSHELF_IDENTITY_SERVICE") == "cognito" and not (
    env("COGNITO_USER_POOL_ID") and env("COGNITO_CLIENT_ID")
):
    raise ImproperlyConfigured(
        "COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID must be set when the identity service is "
        "cognito."
    )

# HTTPS only. Zappa marks every request https (API Gateway and CloudFront speak only HTTPS
# to browsers); behind another proxy, CloudFront's header says how the visitor came.
SECURE_PROXY_SSL_HEADER = ("HTTP_CLOUDFRONT_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

# Hashed, compressed static files (collected by deploy/prebuild.py before each package),
# served by whitenoise with a one-year lifetime, under the request's script prefix.
STATIC_ROOT = env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles"))
_covers = s3_storage(S3_ENDPOINT_URL)
# Cover keys change with their content, so browsers and CloudFront may keep them a year.
_covers["OPTIONS"]["object_parameters"] = {"CacheControl": "public, max-age=31536000, immutable"}
STORAGES = {
    "default": _covers,
    "staticfiles": {"BACKEND": "cloudshelf.staticfiles.CompressedManifestStaticFilesStorage"},
}

# One JSON object per line on stderr, which Lambda sends to CloudWatch Logs. Errors carry
# the path, method, user id (when known) and the Lambda and API Gateway request ids; an
# error's traceback is in the same line, never in the response.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "cloudshelf.observability.RequestContextFilter"}},
    "formatters": {"json": {"()": "cloudshelf.observability.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "botocore": {"level": "WARNING"},
        "pynamodb": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}

# Email (sign-up, password reset) goes through Amazon SES with django-ses, using the Lambda
# role's credentials (no SMTP password to keep). The sender must be verified in SES.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django_ses.SESBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
if not DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(
        "DEFAULT_FROM_EMAIL (an SES-verified sender) must be set in production."
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL
USE_SES_V2 = True
AWS_SES_REGION_NAME = env("AWS_SES_REGION_NAME", AWS_REGION)
AWS_SES_REGION_ENDPOINT = env(
    "AWS_SES_REGION_ENDPOINT", f"email.{AWS_SES_REGION_NAME}.amazonaws.com"
)
AWS_SES_CONFIGURATION_SET = env("AWS_SES_CONFIGURATION_SET")
# A configured endpoint always wins (the tests' emulator), as for DynamoDB and S3.
if env("AWS_ENDPOINT_URL_SESV2") or env("AWS_ENDPOINT_URL"):
    AWS_SES_REGION_ENDPOINT_URL = env("AWS_ENDPOINT_URL_SESV2") or env("AWS_ENDPOINT_URL")
# django-ses would otherwise ask SES for its send quota and sleep inside the request.
AWS_SES_AUTO_THROTTLE = None

# Card payments (store/payments/): Stripe's keys from the environment or, on Lambda, from
# the SSM SecureString parameters named by STRIPE_*_PARAMETER, read once at start-up.
# Without them checkout says that card payments are unavailable (no order is taken).
# A parameter that cannot be read leaves payments off (logged), not the whole site down.
for _name in _SECRET_SETTINGS[1:]:
    if _name in _SECRETS:
        globals()[_name] = _SECRETS[_name]
    elif _name in _PARAMETERS:
        import logging

        logging.getLogger("cloudshelf.settings").error(
            "card payments are off: %s", _secret_unread(_name)
        )
