"""The card's rating tag as it was before issue 17 inlined it (for test_book_cards_html)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.inclusion_tag("store/reviews/_card_rating.html", takes_context=True)
def card_rating(context, book):
    rating = (context.get("card_ratings") or {}).get(book.book_id)
    if rating is None or not rating.count:
        return {"rating": None}
    whole = int(rating.average.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return {"rating": rating, "stars": "★" * whole + "☆" * (5 - whole)}
