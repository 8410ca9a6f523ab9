"""Django set up once per Lambda container, for the functions that are not the site
(the stream consumer and the scheduled jobs): production settings unless told otherwise."""

import os
from functools import cache

import django


@cache
def django_ready() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudshelf.settings.production")
    django.setup()
