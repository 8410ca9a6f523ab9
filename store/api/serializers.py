"""Catalog items as JSON: plain functions from the models to dicts. Money is a string with
two decimals (``"42.99"``), never a float; timestamps are ISO 8601 in UTC; URLs are
relative to the site."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.urls import reverse

from cloudshelf.dynamo import ISO_FORMAT
from store.templatetags.store_tags import cover_url

CURRENCY = "USD"


def money(amount):
    return str(Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def stock_status(stock_quantity):
    if stock_quantity <= 0:
        return "sold_out"
    if stock_quantity <= settings.LOW_STOCK_THRESHOLD:
        return "low_stock"
    return "in_stock"


def timestamp(value):
    return value.strftime(ISO_FORMAT) if value else None


def book_summary(book):
    """What a list of books shows of each (a result card)."""
    return {
        "category": book.category,
        "book_id": book.book_id,
        "title": book.title,
        "author": book.author,
        "price": money(book.price),
        "currency": CURRENCY,
        "stock_status": stock_status(book.stock_quantity),
        "cover_url": cover_url(book),
        "url": reverse("store:book-detail", args=[book.category, book.book_id]),
        "api_url": reverse("api:book", args=[book.category, book.book_id]),
    }


def book_detail(book):
    return {
        **book_summary(book),
        "isbn": book.isbn,
        "description": book.description,
        "stock_quantity": max(book.stock_quantity, 0),
        "created_at": timestamp(book.created_at),
        "updated_at": timestamp(book.updated_at),
    }


def category(name, book_count):
    return {
        "name": name,
        "book_count": int(book_count),
        "url": reverse("store:category", args=[name]),
        "books_url": reverse("api:category-books", args=[name]),
    }


def book_page(books, next_token):
    return {"books": [book_summary(book) for book in books], "next_page_token": next_token}
