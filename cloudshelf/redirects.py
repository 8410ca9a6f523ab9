"""Where a form may send the visitor back to: only a path on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_redirect_target(request, target, default):
    """``target`` if it is a path on this site, else ``default``."""
    # Only a path: redirect() would try anything else as a URL name (a 500 for "0").
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
