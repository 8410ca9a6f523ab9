"""Static file URLs that follow the request's script prefix.

On the API Gateway URL Zappa serves the site under ``SCRIPT_NAME=/<stage>``; through
CloudFront or a custom domain there is no prefix, and one warm Lambda serves both.
``reverse()`` follows the prefix of each request, but ``STATIC_URL`` does not: an absolute
``/static/`` ignores it, and a relative ``static/`` is prefixed once, with whatever prefix
the first access in the process saw (Django caches the value; WhiteNoise reads it at
start-up, before any request, which freezes it to ``/static/``). So STATIC_URL stays
``/static/`` (what WhiteNoise serves, matched against PATH_INFO) and the storage adds the
current request's prefix to each URL it hands out."""

from django.contrib.staticfiles.storage import StaticFilesStorage as DjangoStaticFilesStorage
from django.urls import get_script_prefix
from whitenoise.storage import CompressedManifestStaticFilesStorage as WhiteNoiseManifestStorage


def with_script_prefix(url):
    prefix = get_script_prefix().rstrip("/")
    if prefix and url.startswith("/") and not url.startswith(("//", prefix + "/")):
        return prefix + url
    return url


class ScriptPrefixMixin:
    def url(self, name, *args, **kwargs):
        return with_script_prefix(super().url(name, *args, **kwargs))


class StaticFilesStorage(ScriptPrefixMixin, DjangoStaticFilesStorage):
    """Development and tests: files straight from the source folders."""


class CompressedManifestStaticFilesStorage(ScriptPrefixMixin, WhiteNoiseManifestStorage):
    """Production: hashed, compressed files from ``collectstatic``, cached for a year."""
