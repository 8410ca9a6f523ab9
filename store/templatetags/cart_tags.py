from django import template
from django.conf import settings
from django.utils.text import slugify

register = template.Library()


@register.inclusion_tag("store/cart/add_form.html", takes_context=True)
def add_to_cart_form(context, book, compact=False):
    """The "Add to cart" form of a book page or card. It carries no CSRF token (catalog
    pages may be cached by the CDN): the add endpoint checks the request's origin."""
    stock = getattr(book, "stock_quantity", None)
    limit = settings.CART_MAX_QUANTITY_PER_LINE
    request = context.get("request")
    return {
        "book": book,
        "compact": compact,
        "sold_out": stock is not None and stock <= 0,
        "max_quantity": min(limit, stock) if stock is not None else limit,
        "field_id": "qty-" + slugify(f"{book.category}-{book.book_id}"),
        "next": request.get_full_path() if request is not None else "",
    }


@register.filter
def line_total(line):
    """Unit price times quantity, for a cart or order line."""
    return line.price * line.quantity
