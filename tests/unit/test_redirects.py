"""The one check of where a form may send the visitor back to."""

import pytest
from django.test import RequestFactory

from cloudshelf.redirects import safe_redirect_target


@pytest.mark.parametrize("target", ["/cart/", "/books/Technology/tech-001/?page=2"])
def test_a_path_on_this_site_is_kept(target):
    request = RequestFactory().get("/")
    assert safe_redirect_target(request, target, "/fallback/") == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http://testserver/cart/",  # even this site, but as a URL: only paths
        "0",  # redirect() would take it for a URL name
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_anything_but_a_path_on_this_site_gives_the_default(target):
    request = RequestFactory().get("/")
    assert safe_redirect_target(request, target, "/fallback/") == "/fallback/"
