"""The book cards, rendered in one template with what they share worked out once per
page (issue 17), are byte for byte the cards rendered as before: one include per card
with an inclusion tag for its stars, another for its add-to-cart form and an include for
its wishlist form (kept in tests/unit/reference_templates/)."""

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries
from django.test import RequestFactory
from django.urls import set_script_prefix

HERE = Path(__file__).parent
OLD = '{% for book in books %}{% include "includes/book_card.html" %}{% endfor %}'
NEW = '{% include "includes/book_cards.html" %}'


@pytest.fixture(scope="module")
def engine():
    return Engine(
        dirs=[HERE / "reference_templates", settings.BASE_DIR / "templates"],
        app_dirs=True,
        libraries={
            **get_installed_libraries(),
            "reference_card_tags": "tests.unit.reference_card_tags",
        },
    )


def book(book_id, *, stock=5, image_key="covers/a.jpg", title="A <b>bold</b> “title”", **more):
    return SimpleNamespace(
        category=more.get("category", "Kids & Teens"),
        book_id=book_id,
        title=title,
        author="O'Brien & Sons",
        price=Decimal("12.50"),
        stock_quantity=stock,
        image_key=image_key,
    )


class Featured(SimpleNamespace):
    """A featured entry of the home page: no stock figure at all."""


BOOKS = [
    book("b-1"),
    book("b-2", stock=0),
    book("b-3", stock=2, image_key=None),
    book("b 4%ü?", stock=500, category="Ünïcödé"),
    book("b-5", stock=None),
    Featured(category="Technology", book_id="f-1", title="F", author="G", price=Decimal("3")),
]
RATINGS = {
    "b-1": SimpleNamespace(count=2, average=Decimal("4.5")),
    "b-2": SimpleNamespace(count=1, average=Decimal("2.4")),
    "b-3": SimpleNamespace(count=0, average=Decimal("0")),
}


class SignedIn:
    is_authenticated = True


class Visitor:
    is_authenticated = False


@pytest.mark.parametrize("user", [Visitor(), SignedIn()], ids=["visitor", "shopper"])
@pytest.mark.parametrize("path", ['/category/Kids%20%26%20Teens/?sort=price&page=x"y', "/"])
@pytest.mark.parametrize("prefix", ["/", "/prod/"])
def test_cards_render_byte_for_byte_as_the_includes_did(engine, user, path, prefix):
    request = RequestFactory().get(path)
    request.user = user
    context = {
        "books": BOOKS,
        "card_ratings": RATINGS,
        "request": request,
        "csrf_token": "tok<en>",
    }
    set_script_prefix(prefix)
    try:
        old = engine.from_string(OLD).render(Context(context))
        new = engine.from_string(NEW).render(Context(context))
    finally:
        set_script_prefix("/")
    assert "Add to cart" in old and "★★★★★ (2)" in old
    assert new == old


def test_a_page_without_ratings_renders_its_cards_as_before(engine):
    request = RequestFactory().get("/search/?q=a")
    request.user = Visitor()
    context = {"books": BOOKS, "request": request}
    old = engine.from_string(OLD).render(Context(context))
    assert engine.from_string(NEW).render(Context(context)) == old
