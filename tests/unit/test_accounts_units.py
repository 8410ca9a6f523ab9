"""Pieces of accounts that need no DynamoDB."""

import importlib
import sys
from datetime import UTC, datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts import tokens
from accounts.models import User
from accounts.passwords import PasswordOwner, password_validate
from accounts.throttles import client_address


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_address_ignores_forwarded_for_unless_a_proxy_is_trusted(settings):
    settings.CLIENT_IP_TRUSTED_PROXIES = 0
    assert client_address(request_from("203.0.113.5", "192.0.2.1")) == "203.0.113.5"


def test_client_address_behind_one_proxy_is_the_hop_it_appended(settings):
    settings.CLIENT_IP_TRUSTED_PROXIES = 1
    assert client_address(request_from("10.0.0.2", "192.0.2.66, 203.0.113.5")) == "203.0.113.5"


def test_client_address_behind_two_proxies_skips_the_inner_one(settings):
    settings.CLIENT_IP_TRUSTED_PROXIES = 2
    request = request_from("10.0.0.2", "192.0.2.66, 203.0.113.5, 198.51.100.1")
    assert client_address(request) == "203.0.113.5"


def test_client_address_falls_back_to_remote_addr_without_forwarded_for(settings):
    settings.CLIENT_IP_TRUSTED_PROXIES = 1
    assert client_address(request_from("203.0.113.5")) == "203.0.113.5"


def test_django_similarity_validator_fails_on_a_pynamodb_user():
    """Why accounts.passwords exists: the validator needs user._meta to name the field."""
    with pytest.raises(AttributeError):
        validate_password("zanzibar1", User(email="zanzibar@example.com"))


def test_password_validation_names_the_similar_attribute():
    owner = PasswordOwner(email="zanzibar@example.com", first_name="Ada", last_name="Lovelace")
    with pytest.raises(ValidationError) as error:
        password_validate("lovelace9", owner=owner)
    assert "The password is too similar to the last name." in error.value.messages


def test_password_validation_lists_every_broken_rule():
    with pytest.raises(ValidationError) as error:
        password_validate("1234", owner=PasswordOwner())
    assert len(error.value.messages) == 3  # too short, too common, entirely numeric


def user_like(**fields):
    """An unsaved user (no DynamoDB): what the token reads of it."""
    values = {
        "user_id": "user-abc",
        "password": "md5$x$y",
        "email": "ada@example.com",
        "account_status": "active",
        "last_login": datetime(2025, 9, 5, 10, tzinfo=UTC),
    }
    values.update(fields)
    return User(**values)


def test_reset_token_is_valid_for_its_user():
    user = user_like()
    assert tokens.reset_token_is_valid(user=user, token=tokens.reset_token_make(user=user))


@pytest.mark.parametrize(
    "change",
    [
        {"password": "md5$x$z"},
        {"email": "eve@example.com"},
        {"last_login": datetime(2025, 9, 6, tzinfo=UTC)},
        {"account_status": "disabled"},
        {"user_id": "user-abd"},
    ],
)
def test_reset_token_dies_when_the_user_changes(change):
    token = tokens.reset_token_make(user=user_like())
    assert not tokens.reset_token_is_valid(user=user_like(**change), token=token)


def test_reset_token_made_with_an_old_secret_key_still_works_during_rotation(settings):
    user = user_like()
    token = tokens.reset_token_make(user=user)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test-only"
    assert tokens.reset_token_is_valid(user=user, token=token)


@pytest.fixture
def production_settings(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-only")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "shop.example.com")
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "CloudShelf <shop@example.com>")
    monkeypatch.setenv("AWS_SES_REGION_NAME", "eu-west-1")
    sys.modules.pop("cloudshelf.settings.production", None)
    yield importlib.import_module("cloudshelf.settings.production")
    sys.modules.pop("cloudshelf.settings.production", None)


def test_production_sends_email_through_ses(production_settings):
    assert production_settings.EMAIL_BACKEND == "django_ses.SESBackend"
    assert production_settings.AWS_SES_REGION_NAME == "eu-west-1"
    assert production_settings.AWS_SES_REGION_ENDPOINT == "email.eu-west-1.amazonaws.com"
    assert production_settings.DEFAULT_FROM_EMAIL == "CloudShelf <shop@example.com>"


def test_production_cookies_are_secure_and_http_only(production_settings):
    assert production_settings.SESSION_COOKIE_SECURE and production_settings.CSRF_COOKIE_SECURE
    assert production_settings.SESSION_COOKIE_HTTPONLY


def test_production_refuses_to_start_without_a_sender(monkeypatch, production_settings):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DEFAULT_FROM_EMAIL")
    sys.modules.pop("cloudshelf.settings.production", None)
    with pytest.raises(ImproperlyConfigured, match="DEFAULT_FROM_EMAIL"):
        importlib.import_module("cloudshelf.settings.production")
