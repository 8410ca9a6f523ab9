"""Values typed into the DynamoDB console in another type than the store writes: numbers
held as strings are read as numbers; what holds no value of the attribute's kind leaves
the book unlisted, its other values read as usual."""

from decimal import Decimal

import pytest

from cloudshelf.dynamo import DecimalAttribute, IntegerAttribute
from cloudshelf.streams.records import image_number
from store.catalog.models import Book

ITEM = {
    "category": {"S": "Poetry"},
    "book_id": {"S": "poe-001"},
    "title": {"S": "Leaves of Grass"},
    "author": {"S": "Walt Whitman"},
    "isbn": {"S": "9780140421996"},
    "price": {"N": "14.50"},
    "stock_quantity": {"N": "12"},
    "created_at": {"S": "2025-09-05T10:00:00Z"},
    "updated_at": {"S": "2025-09-05T10:00:00Z"},
}


@pytest.mark.parametrize(
    "attribute,value,expected",
    [
        (DecimalAttribute(), {"S": "14.50"}, Decimal("14.50")),
        (DecimalAttribute(), {"N": "14.50"}, Decimal("14.50")),
        (IntegerAttribute(), {"S": " 7 "}, 7),
        (IntegerAttribute(), {"N": "7"}, 7),
    ],
)
def test_a_number_held_as_a_string_reads_as_the_number(attribute, value, expected):
    assert attribute.deserialize(attribute.get_value(value)) == expected


@pytest.mark.parametrize("text", ["fourteen", "", "NaN", "Infinity", "14,50"])
def test_a_string_that_holds_no_finite_number_is_refused(text):
    attribute = DecimalAttribute()
    with pytest.raises((ArithmeticError, ValueError)):
        attribute.deserialize(attribute.get_value({"S": text}))


def test_a_readable_book_has_nothing_unreadable_and_is_listed():
    book = Book.from_raw_data(ITEM)
    assert book.unreadable == () and book.listed and book.price == Decimal("14.50")


@pytest.mark.parametrize(
    "name,value",
    [
        ("price", {"S": "fourteen"}),
        ("price", {"N": "0"}),
        ("price", {"N": "-5"}),
        ("price", {"N": "0.001"}),
        ("stock_quantity", {"BOOL": True}),
        ("created_at", {"S": "yesterday"}),
        ("title", {"N": "5"}),
        ("hidden", {"S": "no"}),
    ],
)
def test_a_book_with_an_unreadable_value_names_it_and_is_not_listed(name, value):
    book = Book.from_raw_data({**ITEM, name: value})
    assert book.unreadable == (name,) and not book.listed
    assert (book.category, book.book_id, book.author) == ("Poetry", "poe-001", "Walt Whitman")


@pytest.mark.parametrize("name", ["title", "price"])
def test_a_book_without_a_title_or_price_counts_it_as_unreadable(name):
    book = Book.from_raw_data({k: v for k, v in ITEM.items() if k != name})
    assert book.unreadable == (name,) and not book.listed


def test_a_book_without_an_author_or_timestamps_is_still_listed():
    kept = {k: v for k, v in ITEM.items() if k not in ("author", "created_at", "updated_at")}
    assert Book.from_raw_data(kept).listed


def test_a_hidden_book_is_not_listed():
    assert not Book.from_raw_data({**ITEM, "hidden": {"BOOL": True}}).listed


@pytest.mark.parametrize(
    "image,expected",
    [
        ({"stock_quantity": Decimal(3)}, 3),
        ({"stock_quantity": "3"}, 3),
        ({"stock_quantity": "twelve"}, 0),
        ({"stock_quantity": "NaN"}, 0),
        ({}, 0),
        (None, 0),
    ],
)
def test_a_stream_image_number_reads_strings_and_counts_words_as_zero(image, expected):
    assert image_number(image, "stock_quantity") == expected


def test_a_console_book_without_readable_timestamps_exports_with_empty_ones():
    from store.catalog.bookfiles import book_record

    raw = {k: v for k, v in ITEM.items() if k != "updated_at"}
    record = book_record(Book.from_raw_data({**raw, "created_at": {"S": "yesterday"}}))
    assert (record["created_at"], record["updated_at"]) == ("", "")
    assert record["title"] == "Leaves of Grass"
