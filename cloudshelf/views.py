"""Error pages in the site's look. The 500 page renders without a request context so
that it cannot fail the way the page that failed did."""

from django.shortcuts import render
from django.template import loader
from django.http import HttpResponseServerError


def bad_request(request, exception=None):
    return render(request, "400.html", {"message": "The request could not be understood."},
                  status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render({}))
