from decimal import ROUND_HALF_UP, Decimal

from django import template

from store.reviews.selectors import review_ref as _review_ref

register = template.Library()


@register.simple_tag
def review_ref(book_id, user_id):
    """The signed reference of a review, for its report and hide forms."""
    return _review_ref(book_id=book_id, user_id=user_id)


@register.inclusion_tag("store/reviews/_card_rating.html", takes_context=True)
def card_rating(context, book):
    """A book card's stars and review count, from the page's ``card_ratings`` (read for
    all the cards at once by the view); nothing for a book without reviews."""
    rating = (context.get("card_ratings") or {}).get(book.book_id)
    if rating is None or not rating.count:
        return {"rating": None}
    whole = int(rating.average.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return {"rating": rating, "stars": "★" * whole + "☆" * (5 - whole)}
