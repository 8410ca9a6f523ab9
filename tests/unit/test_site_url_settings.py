"""SITE_URL in production: links in alert emails start with it, so the settings read it
from the environment and both Lambda functions (the site and the stream consumer, which
sends the alerts) are given it, stage by stage."""

import importlib
import json
import re
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.deploy_templates import ROOT, STREAMS_TEMPLATE, resources_of_type

ZAPPA = json.loads((ROOT / "zappa_settings.json").read_text())


def load_production(monkeypatch, **env):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-only")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "shop.example.com")
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "CloudShelf <shop@example.com>")
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("DJANGO_CSRF_TRUSTED_ORIGINS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("cloudshelf.settings.production", None)
    try:
        return importlib.import_module("cloudshelf.settings.production")
    finally:
        sys.modules.pop("cloudshelf.settings.production", None)


def test_production_reads_site_url_from_the_environment(monkeypatch):
    loaded = load_production(monkeypatch, SITE_URL="https://shop.example.com/")
    assert loaded.SITE_URL == "https://shop.example.com"


def test_production_without_site_url_uses_the_trusted_origin(monkeypatch):
    loaded = load_production(monkeypatch, DJANGO_CSRF_TRUSTED_ORIGINS="https://d1.cloudfront.net")
    assert loaded.SITE_URL == "https://d1.cloudfront.net"


@pytest.mark.parametrize("value", ["shop.example.com", "https://shop.example.com/shop", "ftp://x"])
def test_production_refuses_a_site_url_that_is_not_an_address(monkeypatch, value):
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        load_production(monkeypatch, SITE_URL=value)


@pytest.mark.parametrize("stage", sorted(ZAPPA))
def test_each_zappa_stage_gives_the_site_an_https_site_url(stage):
    assert re.fullmatch(r"https://[^/]+", ZAPPA[stage]["environment_variables"]["SITE_URL"])


@pytest.mark.parametrize("stage", sorted(ZAPPA))
def test_stream_consumer_gets_the_site_url_of_its_stage(stage):
    given = resources_of_type(
        STREAMS_TEMPLATE, "AWS::Lambda::Function", stage, {"SiteUrl": "https://shop.example.com"}
    )
    defaults = resources_of_type(STREAMS_TEMPLATE, "AWS::Lambda::Function", stage)
    assert set(given) == {"StreamsFunction", "JobsFunction"}  # the scheduled jobs too
    for name, function in given.items():
        assert function["Environment"]["Variables"]["SITE_URL"] == "https://shop.example.com"
        assert (
            defaults[name]["Environment"]["Variables"]["SITE_URL"]
            == ZAPPA[stage]["environment_variables"]["SITE_URL"]
        )
