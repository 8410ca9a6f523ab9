"""Cache-Control for a site behind a CDN.

Anonymous catalog pages (home, category, book, search) are the same for every visitor, so
CloudFront may keep them a short while. Anything personal must never be stored by a shared
cache: a page for a request that carries the session, cart or messages cookie, and any
response that sets a cookie. CloudFront ignores ``Vary: Cookie``; its cache key names
those same cookies instead (deploy/cdn.yaml), and this middleware is what keeps a personal
page out of the cache."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.cache import patch_vary_headers

PRIVATE = "private, no-store"
CACHEABLE_METHODS = {"GET", "HEAD"}


def personal_cookie_names():
    """Cookies that make a page personal. The cart's cookies all start with its name."""
    return {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name, settings.CART_COOKIE_NAME}


def request_is_personal(request):
    names = personal_cookie_names()
    cart_prefix = settings.CART_COOKIE_NAME + "_"
    return any(name in names or name.startswith(cart_prefix) for name in request.COOKIES)


def is_cdn_cacheable(request, response):
    match = getattr(request, "resolver_match", None)
    return (
        request.method in CACHEABLE_METHODS
        and response.status_code == 200
        and match is not None
        and match.view_name in settings.CDN_CACHEABLE_VIEWS
        and not request_is_personal(request)
    )


class CacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.cookies:
            # Whatever the view said: a response that sets a cookie is for one visitor.
            response["Cache-Control"] = PRIVATE
        elif response.has_header("Cache-Control"):
            pass  # the view (or whitenoise, or the 503 page) decided
        elif is_cdn_cacheable(request, response):
            response["Cache-Control"] = settings.CDN_PAGE_CACHE_CONTROL
            patch_vary_headers(response, ["Cookie"])
        else:
            response["Cache-Control"] = PRIVATE
        return response
