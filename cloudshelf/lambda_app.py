"""The WSGI application that Zappa runs on AWS Lambda (``app_function`` in
zappa_settings.json).

Zappa serves a request that reaches API Gateway's own host (``*.execute-api.*``) under
``SCRIPT_NAME=/<stage>``, because that URL carries the stage: links then start with
``/production/``. CloudFront must call that same host (a regional API answers no other), so
its requests would get the prefix too, although the visitor's URL has none. CloudFront
therefore sends the visitor's host in ``X-Forwarded-Host`` (a CloudFront Function in
deploy/cdn.yaml sets it; a visitor cannot). When it is there, this wrapper restores the
visitor's view: that host, and no prefix. Django still checks the host against
ALLOWED_HOSTS, and a forwarded API Gateway host is ignored, so a direct caller cannot put
the API's own name (or any name not allowed) into the links."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudshelf.settings.production")  # as Zappa does

API_GATEWAY_HOST_SUFFIX = ".amazonaws.com"

django_application = get_wsgi_application()

# The process's one DynamoDB client, made during Lambda's init phase, not on a request.
from cloudshelf.dynamo import client_prepare  # noqa: E402 (needs Django set up)

client_prepare()


def forwarded_host(environ):
    value = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[0].strip()
    if not value or value.lower().split(":")[0].endswith(API_GATEWAY_HOST_SUFFIX):
        return None
    return value


def application(environ, start_response):
    host = forwarded_host(environ)
    if host:
        environ["HTTP_HOST"] = host
        environ["SCRIPT_NAME"] = ""
    environ.pop("HTTP_X_FORWARDED_HOST", None)
    return django_application(environ, start_response)
