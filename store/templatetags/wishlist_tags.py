from django import template

from store.wishlists.models import LATER
from store.wishlists.selectors import saved_list

register = template.Library()


@register.simple_tag(takes_context=True)
def saved_for_later(context):
    """The signed-in shopper's books saved for later (one Query and one BatchGetItem),
    for the cart page; nothing for a visitor."""
    user = context["request"].user
    if not user.is_authenticated:
        return []
    return saved_list(user_id=user.user_id, kind=LATER)
