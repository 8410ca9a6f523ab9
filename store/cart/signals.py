"""At sign-in, the cart of the anonymous visit joins the account's cart."""

import logging

from django.contrib import messages
from django.dispatch import receiver
from pynamodb.exceptions import PynamoDBException

from accounts.auth import user_signed_in
from cloudshelf.errors import ApplicationError
from store.cart.cookies import anonymous_cart_forget, anonymous_cart_id, cart_count_remember
from store.cart.services import cart_merge

log = logging.getLogger(__name__)


@receiver(user_signed_in, dispatch_uid="store.cart.merge_at_sign_in")
def cart_merge_at_sign_in(sender, request, user, **kwargs):
    anonymous_id = anonymous_cart_id(request)
    try:
        result = cart_merge(anonymous_owner=anonymous_id, user_id=user.user_id)
    except (ApplicationError, PynamoDBException) as error:
        # Signing in must not fail because of the cart: the anonymous cart and its cookie
        # stay, and are merged at the next sign-in.
        log.warning("cart merge failed for %s: %r", user.user_id, error)
        messages.warning(
            request,
            "We could not bring over the books you added before "
            "signing in. They are kept; sign in again later to add them.",
        )
        return
    cart_count_remember(request, owner=user.user_id, count=result.item_count)
    if anonymous_id:
        anonymous_cart_forget(request)
    if result.merged:
        messages.info(
            request,
            "Added to your cart from before you signed in: " + "; ".join(result.merged) + ".",
        )
    if result.left_out:
        messages.warning(
            request,
            "Your cart is full, so these were not added: " + ", ".join(result.left_out) + ".",
        )
