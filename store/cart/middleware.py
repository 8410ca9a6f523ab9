from store.cart.cookies import cart_cookies_apply


class CartCookieMiddleware:
    """Writes the cart cookies that a view (or the sign-in merge) changed. Reads nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cart_cookies_apply(request, response)
        return response
