"""``{% load seo_tags %}``: the head tags of the home, category and book pages, from the
page's own context (no request of their own)."""

from django import template

from store.seo import structured
from store.seo.links import absolute

register = template.Library()


def _canonical(path, request):
    """The page's absolute URL without its query (page tokens, review tokens, tracking)."""
    return absolute(path, request)


@register.inclusion_tag("store/seo/head_meta.html", takes_context=True)
def seo_book_meta(context):
    book = context["book"]
    request = context.get("request")
    rating = context.get("rating")
    price = structured.price_text(book.price)
    return {
        "title": book.title,
        "description": structured.book_description(book),
        "canonical": _canonical(structured.book_path(book), request),
        "image": absolute(structured.cover_path(book), request),
        "image_alt": f"Cover of {book.title}",
        "og_type": "product",
        "price": price,
        "currency": structured.CURRENCY,
        "availability": {
            structured.IN_STOCK: "instock",
            structured.LIMITED: "instock",
            structured.OUT_OF_STOCK: "oos",
        }[structured.availability(book)],
        "json_ld": [
            structured.json_ld(structured.book_data(book, rating, request)),
            structured.json_ld(structured.book_breadcrumbs(book, request)),
        ],
    }


@register.inclusion_tag("store/seo/head_meta.html", takes_context=True)
def seo_category_meta(context):
    category = context["category"]
    books = list(context.get("books") or [])
    request = context.get("request")
    first = books[0] if books else None
    names = ", ".join(b.title for b in books[:3])
    description = f"{category} books at CloudShelf" + (f": {names} and more." if names else ".")
    return {
        "title": f"{category} books",
        "description": structured.summary_text(description),
        "canonical": _canonical(structured.category_path(category), request),
        "image": absolute(structured.cover_path(first), request) if first else None,
        "image_alt": f"Cover of {first.title}" if first else "",
        "og_type": "website",
        "json_ld": [
            structured.json_ld(d) for d in structured.category_data(category, books, request)
        ],
    }


@register.inclusion_tag("store/seo/head_meta.html", takes_context=True)
def seo_home_meta(context):
    request = context.get("request")
    return {
        "title": "CloudShelf: books for every shelf",
        "description": "Books for every shelf: browse CloudShelf by category or search by "
        "title, and have them delivered.",
        "canonical": _canonical(structured.home_path(), request),
        "og_type": "website",
        "json_ld": [structured.json_ld(structured.website_data(request))],
    }
