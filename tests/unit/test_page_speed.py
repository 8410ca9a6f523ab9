"""The costs removed in issue 17 stay removed without changing a byte: the cached
loader in every settings module, the cheap URL tags equal to ``{% url %}``, timestamps
read as strptime reads them."""

import importlib
import sys

import pytest
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.loaders.cached import Loader as CachedLoader
from django.urls import NoReverseMatch, reverse, set_script_prefix

from store.templatetags.store_tags import book_url, cover_url, fast_reverse, url_for

AWKWARD = [
    "Technology",
    "Science Fiction",
    "Kids & Teens",
    "Ünïcödé",
    "100%",
    "a?b#c",
    "semi;colon=1",
    "tilde~:@",
    "0slot0",
    "''\"<>",
]


@pytest.fixture
def settings_module(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-only")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "shop.example.com")
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "CloudShelf <shop@example.com>")
    monkeypatch.setenv("AWS_SES_REGION_NAME", "eu-west-1")
    loaded = []

    def load(name):
        sys.modules.pop(name, None)
        loaded.append(name)
        return importlib.import_module(name)

    yield load
    for name in loaded:
        sys.modules.pop(name, None)


@pytest.mark.parametrize("name", ["base", "local", "production", "test"])
def test_every_settings_module_renders_through_the_cached_loader(settings_module, name):
    module = settings_module(f"cloudshelf.settings.{name}")
    (config,) = module.TEMPLATES
    assert config["BACKEND"] == "django.template.backends.django.DjangoTemplates"
    config = {k: v for k, v in config.items() if k != "BACKEND"}
    backend = DjangoTemplates({**config, "NAME": "check"})
    assert isinstance(backend.engine.template_loaders[0], CachedLoader)


def test_the_running_site_renders_through_the_cached_loader():
    assert isinstance(engines["django"].engine.template_loaders[0], CachedLoader)


@pytest.mark.parametrize("category", AWKWARD)
@pytest.mark.parametrize("book_id", ["tech-001", "id with space", "ü/", ""])
def test_book_url_is_exactly_what_url_tag_reverses(category, book_id):
    book = type("Book", (), {"category": category, "book_id": book_id})
    try:
        expected = reverse("store:book-detail", args=[category, book_id])
    except NoReverseMatch as error:  # reverse() refuses it: so must the fast tag
        with pytest.raises(type(error)):
            book_url(book)
        return
    assert book_url(book) == expected


@pytest.mark.parametrize("key", ["covers/tech-001.jpg", "a b/c%d.png", "x?y#z", "ü.png"])
def test_cover_url_is_exactly_what_reverse_gives(key):
    item = type("Book", (), {"image_key": key})
    assert cover_url(item) == reverse("store:cover", args=[key])


def test_fast_urls_follow_the_script_prefix_of_a_lambda_stage():
    try:
        set_script_prefix("/prod/")
        assert fast_reverse("store:book-detail", "Kids & Teens", "k-1") == reverse(
            "store:book-detail", args=["Kids & Teens", "k-1"]
        )
        assert reverse("store:cart-add").startswith("/prod/")
        assert url_for("store:cart-add") == reverse("store:cart-add")
    finally:
        set_script_prefix("/")
    assert url_for("store:cart-add") == reverse("store:cart-add")


@pytest.mark.parametrize(
    "text",
    ["2025-09-05T10:00:00Z", "1999-12-31T23:59:59Z", "2024-02-29T00:00:00Z"],
)
def test_timestamps_read_back_as_strptime_reads_them(text):
    from datetime import UTC, datetime

    from cloudshelf.dynamo import ISO_FORMAT, IsoDateTimeAttribute

    expected = datetime.strptime(text, ISO_FORMAT).replace(tzinfo=UTC)
    assert IsoDateTimeAttribute().deserialize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-09-05T10:00:00+00:00",
        "2025-09-05T12:00:00+02:00",
        "2025-09-05T05:00:00-05:00",
        "2025-09-05T10:00:00.000Z",
        "2025-09-05T10:00:00",
        "2025-09-05 10:00:00Z",
    ],
)
def test_console_timestamps_in_other_iso_forms_read_as_the_same_utc_instant(text):
    from datetime import UTC, datetime

    from cloudshelf.dynamo import IsoDateTimeAttribute

    value = IsoDateTimeAttribute().deserialize(text)
    assert value == datetime(2025, 9, 5, 10, 0, 0, tzinfo=UTC)
    assert value.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    "text", ["2025-13-05T10:00:00Z", "2025-09-05T10:00:00+", "2025-9-5", "yesterday"]
)
def test_text_that_is_no_iso_timestamp_is_refused(text):
    from cloudshelf.dynamo import IsoDateTimeAttribute

    with pytest.raises(ValueError):
        IsoDateTimeAttribute().deserialize(text)
