"""Absolute URLs for canonical links, previews and sitemaps."""

from django.conf import settings


def site_root(request=None) -> str:
    """The site's address without a trailing slash: SITE_URL when set, else the request's."""
    root = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if root:
        return root
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def absolute(path: str, request=None) -> str:
    """``path`` (a site path such as ``/books/x/y/``) as an absolute URL; an absolute URL
    is returned as it is."""
    if path.startswith(("http://", "https://")):
        return path
    return site_root(request) + (path if path.startswith("/") else "/" + path)
