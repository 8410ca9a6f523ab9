from django.core.wsgi import get_wsgi_application
from django.shortcuts import render
from django.urls import path

LINE = "A line of text that stands in for the content of a page, escaped like any other. "


_frame = []


def page(request, size):
    """A page of about ``size`` bytes: the fixed frame plus enough lines."""
    if not _frame:
        _frame.append(
            len(render(request, "page.html", {"lines": [], "title": "Bare page"}).content)
        )
    count = max(0, (size - _frame[0]) // (len(LINE) + len("<p></p>\n")))
    lines = [LINE] * count
    return render(request, "page.html", {"lines": lines, "title": "Bare page"})


urlpatterns = [path("page/<int:size>/", page)]


_wsgi = []


def application(environ, start_response):
    """The WSGI entry for a server, built on first use (after settings are configured)."""
    if not _wsgi:
        _wsgi.append(get_wsgi_application())
    return _wsgi[0](environ, start_response)
