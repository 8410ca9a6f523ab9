from django import template

from store.reviews.selectors import review_ref as _review_ref

register = template.Library()


@register.simple_tag
def review_ref(book_id, user_id):
    """The signed reference of a review, for its report and hide forms."""
    return _review_ref(book_id=book_id, user_id=user_id)
