from functools import cache

from django.conf import settings

from store.cart.cookies import cart_count_for_header


def cart(request):
    """``cart_count`` for the header, from the signed count cookie: no DynamoDB read.
    Lazy, so a template that does not show it costs nothing."""
    return {
        "cart_count": cache(lambda: cart_count_for_header(request)),
        "cart_max_quantity": settings.CART_MAX_QUANTITY_PER_LINE,
    }
