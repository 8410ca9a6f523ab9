"""AWS Lambda (Zappa) or any server in front of real AWS. Fails loudly without secrets."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import AWS_REGION, env, env_list

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SECURE_PROXY_SSL_HEADER = ("HTTP_CLOUDFRONT_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = False  # CloudFront and API Gateway only speak HTTPS to browsers.
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Email (sign-up, password reset) goes through Amazon SES with django-ses, using the Lambda
# role's credentials (no SMTP password to keep). The sender must be verified in SES.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django_ses.SESBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
if not DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured("DEFAULT_FROM_EMAIL (an SES-verified sender) must be set in production.")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
USE_SES_V2 = True
AWS_SES_REGION_NAME = env("AWS_SES_REGION_NAME", AWS_REGION)
AWS_SES_REGION_ENDPOINT = env("AWS_SES_REGION_ENDPOINT", f"email.{AWS_SES_REGION_NAME}.amazonaws.com")
AWS_SES_CONFIGURATION_SET = env("AWS_SES_CONFIGURATION_SET")
# django-ses would otherwise ask SES for its send quota and sleep inside the request.
AWS_SES_AUTO_THROTTLE = None
