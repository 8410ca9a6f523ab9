"""Pieces of the foundation that need no DynamoDB."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from cloudshelf.dynamo import DecimalAttribute, IsoDateTimeAttribute
from store.catalog.selectors import title_variants
from store.pagination import InvalidPageToken, decode_page_token, encode_page_token
from store.sample_catalog import SEED_BOOKS, isbn13, sample_books
from store.templatetags.store_tags import money, stock_label


def test_there_is_no_sql_database():
    from django.core.exceptions import ImproperlyConfigured
    from django.db import connection

    from cloudshelf.settings import base

    # Settings declare no database; Django then fills in (in place) only its dummy
    # backend, which refuses every query.
    assert connection.settings_dict["ENGINE"] == "django.db.backends.dummy"
    assert {db["ENGINE"] for db in base.DATABASES.values()} == {"django.db.backends.dummy"}
    with pytest.raises(ImproperlyConfigured):
        connection.cursor()


def test_decimal_attribute_round_trips_money_without_float():
    attribute = DecimalAttribute()
    stored = attribute.serialize(Decimal("42.99"))
    assert stored == "42.99"
    value = attribute.deserialize(stored)
    assert isinstance(value, Decimal) and value == Decimal("42.99")


def test_timestamps_are_stored_in_the_seeds_format():
    attribute = IsoDateTimeAttribute()
    parsed = attribute.deserialize("2025-09-05T10:00:00Z")
    assert attribute.serialize(parsed) == "2025-09-05T10:00:00Z"


def test_page_token_round_trips_its_key():
    key = {"category": {"S": "Fiction"}, "book_id": {"S": "fic-010"}}
    token = encode_page_token(key, scope="category:Fiction")
    assert decode_page_token(token, scope="category:Fiction") == key


@pytest.mark.parametrize("token", ["abc", "x" * 500, "eyJ9:1abc:def", "%00", "e30"])
def test_tampered_page_token_is_refused(token):
    with pytest.raises(InvalidPageToken):
        decode_page_token(token, scope="category:Fiction")


def test_page_token_of_another_category_is_refused():
    token = encode_page_token({"category": {"S": "Fiction"}}, scope="category:Fiction")
    with pytest.raises(InvalidPageToken):
        decode_page_token(token, scope="category:History")


def test_last_page_has_no_token():
    assert encode_page_token(None, scope="category:Fiction") is None


@pytest.mark.parametrize(
    "stock,label",
    [
        (0, "Sold out"),
        (-1, "Sold out"),
        (1, "Only 1 left"),
        (5, "Only 5 left"),
        (6, "In stock"),
        (50, "In stock"),
    ],
)
def test_stock_label(stock, label):
    assert stock_label(SimpleNamespace(stock_quantity=stock)) == label


def test_money_rounds_half_up_to_the_cent():
    assert money(Decimal("3.435")) == "$3.44"
    assert money(Decimal("1234.5")) == "$1,234.50"


def testtitle_variants_turn_lower_case_typing_into_title_case():
    variants = title_variants("  the   great gatsby ")
    assert variants[0] == "the great gatsby"
    assert "The Great Gatsby" in variants
    assert "Harry Potter and the Goblet of Fire" in title_variants(
        "harry potter and the goblet of fire"
    )


def test_generated_isbns_have_valid_check_digits():
    import random

    rng = random.Random(1)
    for _ in range(50):
        digits = [int(d) for d in isbn13(rng)]
        assert sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def test_sample_catalog_has_200_books_in_six_categories_and_the_seed_first():
    books = sample_books()
    assert len(books) >= 200
    assert len({b["category"] for b in books}) >= 6
    assert books[:3] == [dict(b) for b in SEED_BOOKS]
    keys = [(b["category"], b["book_id"]) for b in books]
    assert len(keys) == len(set(keys))
    assert all(isinstance(b["price"], Decimal) for b in books)
