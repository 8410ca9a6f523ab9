"""Error pages in the site's look. The 500 page renders without a request context so
that it cannot fail the way the page that failed did."""

import sys

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from cloudshelf.middleware import is_dependency_fault, unavailable_response


def bad_request(request, exception=None):
    return render(
        request, "400.html", {"message": "The request could not be understood."}, status=400
    )


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form was posted without the token of this session (a page
    left open past its session, a stale tab, cookies blocked)."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # A DynamoDB/S3 fault raised outside a view (saving the session in middleware, for
    # example) reaches Django's 500 handler, not the middleware's process_exception.
    if is_dependency_fault(sys.exc_info()[1]):
        return unavailable_response(request)
    return HttpResponseServerError(loader.get_template("500.html").render({}))
