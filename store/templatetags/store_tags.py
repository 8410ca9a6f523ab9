from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from store.money import to_cents

register = template.Library()


@register.simple_tag
def cover_url(item):
    """The URL of a book's cover (a Book or a featured entry), or the placeholder."""
    key = getattr(item, "image_key", None)
    if key:
        return reverse("store:cover", args=[key])
    return static("img/no-cover.svg")


@register.filter
def money(value):
    if value is None:
        return ""
    return f"${to_cents(value):,}"


@register.simple_tag
def stock_label(book):
    """ "In stock", "Only N left" or "Sold out"."""
    if book.stock_quantity <= 0:
        return "Sold out"
    if book.stock_quantity <= settings.LOW_STOCK_THRESHOLD:
        return f"Only {book.stock_quantity} left"
    return "In stock"


@register.simple_tag
def stock_class(book):
    if book.stock_quantity <= 0:
        return "stock--out"
    if book.stock_quantity <= settings.LOW_STOCK_THRESHOLD:
        return "stock--low"
    return "stock--in"
