from django import template
from django.conf import settings

from store.cards import book_cards_html, cards_page

register = template.Library()


@register.simple_tag(takes_context=True)
def book_cards(context, books):
    """``books`` as cards (store/cards.py), with the ratings in ``card_ratings``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    page = cards_page(
        path=request.get_full_path() if request is not None else "",
        signed_in=bool(user is not None and user.is_authenticated),
        csrf_token=context.get("csrf_token"),
        ratings=context.get("card_ratings"),
        max_quantity=settings.CART_MAX_QUANTITY_PER_LINE,
    )
    return book_cards_html(books, page)
