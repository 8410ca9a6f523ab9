"""CSRF protection for forms on pages that a CDN may cache.

A cached page cannot carry a per-visitor CSRF token, so the few POST endpoints reachable
from cached catalog pages (add to cart) check the request's origin instead: the browser's
``Origin`` header (or, failing that, ``Referer``) must name this site. Every other form uses
Django's token as usual."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def _origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def request_is_same_origin(request):
    if request.META.get("HTTP_SEC_FETCH_SITE") in ("cross-site", "same-site"):
        return False
    claimed = request.META.get("HTTP_ORIGIN")
    if not claimed or claimed == "null":
        claimed = _origin_of(request.META.get("HTTP_REFERER", ""))
    if not claimed:
        return False
    allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    return claimed in allowed


def same_origin_required(view):
    """Refuse a state-changing request unless it comes from a page of this site."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in SAFE_METHODS and not request_is_same_origin(request):
            return render(
                request,
                "403.html",
                {"message": "This form must be sent from a CloudShelf page."},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper
