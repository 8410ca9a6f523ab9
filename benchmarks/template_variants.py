"""The template question, measured: the category page (24 book cards) rendered as it is
(the page in the Django template language, the cards in Python: store/cards.py), without
the cached loader, with the cards as they were before issue 17 (an include and three tags
per card, kept in tests/unit/reference_templates), and with the card loop in Jinja2.

``python -m benchmarks.template_variants``: starts a private emulator, records the page's
DynamoDB answers once and replays them (benchmarks/servertime.py), so only rendering and
the rest of Django are timed; prints CPU ms per page for each variant, measured in turn in
the same process, then JSON on the last line."""

import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATH = "/category/Technology/"

# The card as it was when the question was decided (before ratings and wishlists).
JINJA_CARD = """{% for book in books %}<li class="book-card">
  <a href="{{ book_url(book) }}">
    <img src="{{ cover_url(book) }}" alt="" width="150" height="225" loading="lazy">
    <span class="book-card__title">{{ book.title }}</span>
  </a>
  <span class="book-card__author">{{ book.author }}</span>
  <span class="book-card__price">{{ money(book.price) }}</span>
  {% if book.stock_quantity is not none %}<span class="stock {{ stock_class(book) }}">{{ stock_label(book) }}</span>{% endif %}
  {% set form = add_to_cart(book) %}{% if not form.sold_out %}
<form class="add-to-cart add-to-cart--compact" method="post" action="{{ cart_add }}">
  <input type="hidden" name="category" value="{{ book.category }}">
  <input type="hidden" name="book_id" value="{{ book.book_id }}">
  <input type="hidden" name="next" value="{{ next }}">
  <label for="{{ form.field_id }}" class="visually-hidden">Quantity of {{ book.title }}</label>
  <input id="{{ form.field_id }}" type="number" name="quantity" value="1" min="1" max="{{ form.max_quantity }}" step="1" inputmode="numeric" required>
  <button type="submit">Add to cart<span class="visually-hidden">: {{ book.title }}</span></button>
</form>
{% endif %}
</li>
{% endfor %}"""


def _same(a, b):
    """Equal but for the signed page token (it holds a timestamp), the white space
    between tags and how an apostrophe is escaped."""
    return _normal(a) == _normal(b)


def _normal(body):
    body = re.sub(r"page=[^\"&]+", "page=TOKEN", body.decode())
    body = body.replace("&#39;", "&#x27;")  # markupsafe's spelling of Django's escape
    return re.sub(r">\s+<", "><", body).strip()


def _jinja_library():
    """A ``{% jinja_cards books %}`` tag rendering the card loop with Jinja2."""
    import jinja2
    from django import template
    from django.conf import settings
    from django.urls import reverse
    from django.utils.safestring import mark_safe
    from django.utils.text import slugify

    from store.templatetags import store_tags

    env = jinja2.Environment(autoescape=True)
    cards = env.from_string(JINJA_CARD)
    register = template.Library()

    def add_to_cart(book):
        stock = book.stock_quantity
        limit = settings.CART_MAX_QUANTITY_PER_LINE
        return {
            "sold_out": stock is not None and stock <= 0,
            "max_quantity": min(limit, stock) if stock is not None else limit,
            "field_id": "qty-" + slugify(f"{book.category}-{book.book_id}"),
        }

    @register.simple_tag(takes_context=True)
    def jinja_cards(context, books):
        return mark_safe(
            cards.render(
                books=books,
                book_url=store_tags.book_url,
                cover_url=store_tags.cover_url,
                money=store_tags.money,
                stock_class=store_tags.stock_class,
                stock_label=store_tags.stock_label,
                add_to_cart=add_to_cart,
                cart_add=reverse("store:cart-add"),
                next=context["request"].get_full_path(),
            )
        )

    return register


register = None  # set by main(): the Django template library of the Jinja2 variant


REFERENCE = ROOT / "tests" / "unit" / "reference_templates"
CARDS = '{% include "includes/book_cards.html" %}'
OLD_LOOP = '{% for book in books %}{% include "includes/book_card.html" %}{% endfor %}'


def _variants(folder):
    from django.conf import settings

    base = settings.TEMPLATES[0]
    options = base["OPTIONS"]
    category = (ROOT / "templates" / "store" / "category.html").read_text()
    if CARDS not in category:
        raise RuntimeError("templates/store/category.html no longer includes the cards")
    before = folder / "before"
    (before / "store").mkdir(parents=True)
    (before / "store" / "category.html").write_text(category.replace(CARDS, OLD_LOOP))
    jinja = folder / "jinja"
    (jinja / "store").mkdir(parents=True)
    (jinja / "store" / "category.html").write_text(
        category.replace(CARDS, "{% jinja_cards books %}")
    )
    uncached = {
        **base,
        "APP_DIRS": False,
        "OPTIONS": {
            **options,
            "loaders": [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
    return {
        "uncached loader": [uncached],
        "cards as before (tags per card)": [
            {
                **base,
                "DIRS": [before, REFERENCE, *base["DIRS"]],
                "OPTIONS": {
                    **options,
                    "libraries": {"reference_card_tags": "tests.unit.reference_card_tags"},
                },
            }
        ],
        "as is (cards in Python)": [base],
        "Jinja2 card loop": [
            {
                **base,
                "DIRS": [jinja, *base["DIRS"]],
                "OPTIONS": {**options, "builtins": ["benchmarks.template_variants"]},
            }
        ],
    }


def main():
    sys.path.insert(0, str(ROOT))
    from benchmarks.emulator import Emulator
    from benchmarks.runner import seed_catalog, setup_django

    emulator = Emulator().start()
    try:
        setup_django(emulator.port)
        seed_catalog()
        from django.test import Client
        from django.test.utils import override_settings

        from benchmarks.servertime import record, replayed, timed_runs
        from benchmarks.stats import summary

        # builtins import this module by name: under ``python -m`` that is another copy.
        __import__("benchmarks.template_variants").template_variants.register = _jinja_library()
        client = Client()
        recording, reference = record(lambda: client.get(PATH))
        results = {}
        with tempfile.TemporaryDirectory() as folder:
            variants = _variants(Path(folder))
            for _round in range(2):  # twice, interleaved, so drift shows
                for name, templates in variants.items():
                    with override_settings(TEMPLATES=templates):
                        body = client.get(PATH).content
                        _, cpu = timed_runs(replayed(recording, lambda: client.get(PATH)))
                    results.setdefault(name, []).extend(cpu)
                    results[f"{name} same HTML"] = _same(body, reference.content)
        figures = {}
        for name, cpu in results.items():
            if isinstance(cpu, bool):
                continue
            figures[name] = summary(cpu)
            print(
                f"{name:28} CPU p50 {figures[name]['p50']:.2f} ms "
                f"(min {figures[name]['min']:.2f}); same HTML: {results[name + ' same HTML']}"
            )
        print(json.dumps({"cpu_ms": figures, "load_average": os.getloadavg()}))
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
