"""schema.org structured data for the store's pages, as plain dicts, and their safe
serialization into a ``<script type="application/ld+json">`` data block.

A data block is not executed, so the Content-Security-Policy (``script-src 'self'``) does
not apply to it and needs no loosening. What must never happen is a title closing the
script element: ``<``, ``>`` and ``&`` are written as JSON ``\\u`` escapes, which JSON
parsers read back as the same characters."""

import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from store.seo.links import absolute
from store.templatetags.store_tags import cover_url, fast_reverse, url_builder

SCHEMA = "https://schema.org"
CURRENCY = "USD"  # prices are kept in dollars (store/money.py)
IN_STOCK = f"{SCHEMA}/InStock"
LIMITED = f"{SCHEMA}/LimitedAvailability"
OUT_OF_STOCK = f"{SCHEMA}/OutOfStock"
NEW_CONDITION = f"{SCHEMA}/NewCondition"
DESCRIPTION_LENGTH = 160

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_ld(data: Any) -> SafeString:
    """``data`` as JSON that cannot end the script element it is written into."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return mark_safe(text.translate(_ESCAPES))


def availability(book: Any) -> str:
    """The schema.org availability that says what the page's stock wording says:
    "Sold out" -> OutOfStock, "Only N left" -> LimitedAvailability, "In stock" -> InStock."""
    quantity = book.stock_quantity or 0
    if quantity <= 0:
        return OUT_OF_STOCK
    if quantity <= settings.LOW_STOCK_THRESHOLD:
        return LIMITED
    return IN_STOCK


def price_text(price: Any) -> str:
    return f"{Decimal(price).quantize(Decimal('0.01'))}"


def cover_path(book: Any) -> str:
    return cover_url(book)


def book_path(book: Any) -> str:
    return fast_reverse("store:book-detail", book.category, book.book_id)


def category_path(category: str) -> str:
    return fast_reverse("store:category", category)


def home_path() -> str:
    return reverse("store:home")


def summary_text(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """One line of at most ``limit`` characters, cut at a word."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:")
    return cut + "…"


def book_description(book: Any) -> str:
    return summary_text(book.description) or summary_text(
        f"{book.title} by {book.author}, {book.category}, ${price_text(book.price)} at CloudShelf."
    )


def book_data(book: Any, rating: Any = None, request: Any = None) -> dict[str, Any]:
    """A book page's ``Book`` (also a ``Product``, for merchant listings) with its Offer."""
    url = absolute(book_path(book), request)
    offer = {
        "@type": "Offer",
        "url": url,
        "price": price_text(book.price),
        "priceCurrency": CURRENCY,
        "availability": availability(book),
        "itemCondition": NEW_CONDITION,
        "seller": {"@type": "Organization", "name": "CloudShelf"},
    }
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": ["Book", "Product"],
        "@id": url + "#book",
        "url": url,
        "name": book.title,
        "author": {"@type": "Person", "name": book.author},
        "isbn": book.isbn,
        "gtin13": book.isbn if len(book.isbn or "") == 13 and book.isbn.isdigit() else None,
        "sku": book.book_id,
        "image": absolute(cover_path(book), request),
        "description": book_description(book),
        "genre": book.category,
        "inLanguage": settings.BOOK_LANGUAGE,
        "offers": offer,
        "workExample": {
            "@type": "Book",
            "@id": url + "#edition",
            "name": book.title,
            "author": {"@type": "Person", "name": book.author},
            "isbn": book.isbn,
            "bookFormat": f"{SCHEMA}/{settings.BOOK_FORMAT}",
            "inLanguage": settings.BOOK_LANGUAGE,
            "potentialAction": {
                "@type": "ReadAction",
                "target": {"@type": "EntryPoint", "urlTemplate": url},
                "expectsAcceptanceOf": offer,
            },
        },
    }
    count = getattr(rating, "count", 0) or 0
    if count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(rating.average),
            "reviewCount": count,
            "bestRating": 5,
            "worstRating": 1,
        }
    return {key: value for key, value in data.items() if value is not None}


def breadcrumbs_data(trail: list[tuple[str, str]], request: Any = None) -> dict[str, Any]:
    """A BreadcrumbList from ``[(name, path)]``, home first."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(path, request)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }


def category_data(category: str, books: list[Any], request: Any = None) -> list[dict[str, Any]]:
    """A category page's ItemList of the books it shows, and its breadcrumbs."""
    book_url = url_builder("store:book-detail", 2)
    items = {
        "@context": SCHEMA,
        "@type": "ItemList",
        "name": category,
        "url": absolute(category_path(category), request),
        "numberOfItems": len(books),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n,
                "url": absolute(book_url(book.category, book.book_id), request),
                "name": book.title,
            }
            for n, book in enumerate(books, start=1)
        ],
    }
    trail = [("Home", home_path()), (category, category_path(category))]
    return [items, breadcrumbs_data(trail, request)]


def book_breadcrumbs(book: Any, request: Any = None) -> dict[str, Any]:
    trail = [
        ("Home", home_path()),
        (book.category, category_path(book.category)),
        (book.title, book_path(book)),
    ]
    return breadcrumbs_data(trail, request)


def website_data(request: Any = None) -> dict[str, Any]:
    """The home page's WebSite with the search box's URL template."""
    search = absolute(reverse("store:search"), request)
    return {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": "CloudShelf",
        "url": absolute(home_path(), request),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }
