from django.utils.functional import SimpleLazyObject

from accounts.auth import get_user


class AuthenticationMiddleware:
    """Sets a lazy ``request.user``: nothing is read until a view or template asks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = SimpleLazyObject(lambda: get_user(request))
        return self.get_response(request)
