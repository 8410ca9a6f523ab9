"""The origin check that protects forms on cacheable pages."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cloudshelf.csrf import same_origin_required


@same_origin_required
def view(request):
    return HttpResponse("done")


@pytest.mark.parametrize(
    "headers,status",
    [
        ({"HTTP_ORIGIN": "http://testserver"}, 200),
        ({"HTTP_REFERER": "http://testserver/books/x/y/"}, 200),
        ({"HTTP_ORIGIN": "https://evil.example"}, 403),
        ({"HTTP_ORIGIN": "null", "HTTP_REFERER": "https://evil.example/"}, 403),
        ({"HTTP_REFERER": "https://evil.example/page"}, 403),
        ({}, 403),
        ({"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "cross-site"}, 403),
    ],
)
def test_post_is_allowed_only_from_this_site(headers, status):
    request = RequestFactory().post("/cart/add/", **headers)
    assert view(request).status_code == status


def test_get_needs_no_origin():
    assert view(RequestFactory().get("/cart/")).status_code == 200
