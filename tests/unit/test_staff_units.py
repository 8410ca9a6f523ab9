"""Pieces of the staff pages that need no DynamoDB."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from store.catalog.bookfiles import BookFileError, format_for, rows_read
from store.catalog.validators import isbn_is_valid, isbn_normalize
from store.orders.reports import DayFigures
from store.staff.charts import bar_chart
from store.staff.forms import BookImportForm


@pytest.mark.parametrize("isbn", ["9780132350884", "9780743273565", "0306406152", "080442957X"])
def test_valid_isbns_pass(isbn):
    assert isbn_is_valid(isbn)


@pytest.mark.parametrize(
    "isbn", ["9780132350885", "0306406153", "97801323508", "X306406152", "978013235088X", ""]
)
def test_wrong_check_digit_or_length_fails(isbn):
    assert not isbn_is_valid(isbn)


def test_isbn_is_normalized_without_dashes_and_spaces():
    assert isbn_normalize(" 978-0-13 235088-4 ") == "9780132350884"
    assert isbn_normalize("0-8044-2957-x") == "080442957X"


def test_format_comes_from_the_extension_or_the_flag():
    assert format_for("a/b/Books.CSV") == "csv"
    assert format_for("books.jsonl") == "jsonl"
    assert format_for("books.txt", "jsonl") == "jsonl"
    with pytest.raises(BookFileError):
        format_for("books.txt")


def test_csv_rows_carry_the_line_where_each_record_starts():
    text = 'category,book_id,title,author,isbn,price,stock_quantity\nA,1,"x\ny",a,1,1,1\nB,2,t,a,1,1,1\n'
    assert [line for line, _ in rows_read(io.StringIO(text), "csv")] == [2, 4]


def test_jsonl_numbers_reach_the_form_as_exact_text():
    [(_, row)] = rows_read(
        io.StringIO('{"price": 42.99, "hidden": true, "image_url": null}\n'), "jsonl"
    )
    assert row == {"price": "42.99", "hidden": "true", "image_url": ""}


@pytest.mark.parametrize(
    "value,expected",
    [("", False), ("false", False), ("0", False), ("TRUE", True), ("1", True), ("yes", True)],
)
def test_import_reads_hidden_flags(value, expected):
    form = BookImportForm(
        data={
            "category": "A",
            "book_id": "a-1",
            "title": "T",
            "author": "A",
            "isbn": "9780132350884",
            "price": "1.00",
            "stock_quantity": "1",
            "hidden": value,
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hidden"] is expected


def test_import_refuses_an_unclear_hidden_flag():
    form = BookImportForm(data={"hidden": "maybe"})
    assert not form.is_valid() and "hidden" in form.errors


def test_bar_heights_are_proportional_to_the_highest_day():
    days = [
        DayFigures(day=date(2025, 9, d), revenue=Decimal(r))
        for d, r in [(1, "0"), (2, "50"), (3, "100")]
    ]
    chart = bar_chart(days, value=lambda d: d.revenue, describe=lambda d: str(d.day))
    assert [bar.height for bar in chart["bars"]] == [0, 75.0, 150.0]
    assert chart["top"] == Decimal("100")


def test_chart_of_days_without_orders_has_flat_bars():
    days = [DayFigures(day=date(2025, 9, d)) for d in (1, 2)]
    chart = bar_chart(days, value=lambda d: d.orders, describe=lambda d: "")
    assert [bar.height for bar in chart["bars"]] == [0, 0]


def test_chart_axis_ends_on_a_round_number_above_the_highest_day():
    days = [DayFigures(day=date(2025, 9, d), revenue=Decimal(r)) for d, r in [(1, "62.42")]]
    chart = bar_chart(days, value=lambda d: d.revenue, describe=lambda d: "")
    assert chart["axis"] == ["$80", "$40", "$0"]
    assert chart["bars"][0].level == 78


def test_chart_writes_a_few_dates_a_week_apart_ending_today():
    days = [DayFigures(day=date(2025, 9, 1) + timedelta(days=n)) for n in range(30)]
    chart = bar_chart(days, value=lambda d: d.orders, describe=lambda d: "")
    ticks = [bar.day.day for bar in chart["bars"] if bar.tick]
    assert ticks == [2, 9, 16, 23, 30]
    assert chart["axis"] == ["2", "1", "0"]
