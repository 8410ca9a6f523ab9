"""The JSON API against its OpenAPI description: the description is valid, every endpoint's
answers (successes and errors) match it, and fuzzing from it finds no server error."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec
from schemathesis.checks import positive_data_acceptance

from store.api.openapi import openapi_description
from store.catalog import summary

SPEC = openapi_description()


@pytest.fixture
def catalog(indexed_seed_books, make_indexed_book):
    make_indexed_book(title="Les Misérables", author="Victor Hugo", stock_quantity=2)
    make_indexed_book(title="Secret Garden", hidden=True)
    for n in range(5):
        make_indexed_book(category="Poetry", title=f"Poem {n}")
    summary.catalog_summary_rebuild()
    return indexed_seed_books


def answer_schema(template, status, method="get"):
    responses = SPEC["paths"][template][method]["responses"]
    response = responses.get(str(status), responses["default"])
    return {**response["content"]["application/json"]["schema"], "components": SPEC["components"]}


def test_openapi_description_is_valid():
    validate_spec(SPEC)


def test_openapi_description_is_served_at_a_stable_url(client, tables):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == SPEC


def test_every_endpoint_of_the_api_is_described():
    from django.urls import get_resolver

    described = {"/api/v1" + path for path in SPEC["paths"]}
    routes = {
        "/api/" + str(p.pattern).replace("<str:", "{").replace(">", "}")
        for p in get_resolver("store.api.urls").url_patterns
        if str(p.pattern)
    }
    assert routes == described


CASES = [
    ("/categories", "/categories", {}, 200),
    ("/categories/{category}/books", "/categories/Poetry/books", {"page_size": 2}, 200),
    ("/categories/{category}/books", "/categories/Nowhere/books", {}, 404),
    ("/categories/{category}/books", "/categories/Poetry/books", {"page_token": "bad"}, 400),
    ("/categories/{category}/books", "/categories/Poetry/books", {"page_size": "x"}, 400),
    ("/books", "/books", {"title": "Clean Code"}, 200),
    ("/books", "/books", {}, 400),
    ("/books/{category}/{book_id}", "/books/Technology/tech-001", {}, 200),
    ("/books/{category}/{book_id}", "/books/Technology/nope", {}, 404),
    ("/search", "/search", {"q": "mis"}, 200),
    ("/search", "/search", {"q": "poem", "page_size": 2}, 200),
    ("/search", "/search", {"q": "zzyzx"}, 200),
    ("/search", "/search", {}, 400),
    ("/search", "/search", {"q": "poem", "page_token": "bad"}, 400),
    ("/openapi.json", "/openapi.json", {}, 200),
]


@pytest.mark.parametrize("template,path,params,status", CASES)
def test_answers_match_the_description(client, catalog, template, path, params, status):
    response = client.get("/api/v1" + path, params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    OAS31Validator(answer_schema(template, status)).validate(response.json())


SHOPPER_CASES = [
    ("get", "/cart", "/cart", None, 200),
    ("post", "/cart/items", "/cart/items", {"category": "Technology", "book_id": "tech-001"}, 200),
    ("post", "/cart/items", "/cart/items", {"category": "Technology"}, 400),
    ("post", "/cart/items", "/cart/items", {"category": "Fiction", "book_id": "nope"}, 404),
    (
        "patch",
        "/cart/items/{category}/{book_id}",
        "/cart/items/Technology/tech-001",
        {"quantity": 2},
        200,
    ),
    (
        "patch",
        "/cart/items/{category}/{book_id}",
        "/cart/items/Technology/tech-001",
        {"quantity": 99},
        400,
    ),
    ("delete", "/cart/items/{category}/{book_id}", "/cart/items/Technology/tech-001", None, 200),
    ("get", "/orders", "/orders", None, 200),
    ("get", "/orders/{order_id}", "/orders/order-nope", None, 404),
]


def test_a_shoppers_answers_match_the_description(shopper_client, catalog):
    import json

    for method, template, path, body, status in SHOPPER_CASES:
        kwargs = {"HTTP_ORIGIN": "http://testserver"}
        if method != "get":
            kwargs.update(data=json.dumps(body) if body else "", content_type="application/json")
        response = getattr(shopper_client, method)("/api/v1" + path, **kwargs)
        assert response.status_code == status, (method, path, response.content[:200])
        OAS31Validator(answer_schema(template, status, method)).validate(response.json())


def test_an_anonymous_visitors_401_matches_the_description(client, tables):
    response = client.get("/api/v1/cart")
    assert response.status_code == 401
    OAS31Validator(answer_schema("/cart", 401)).validate(response.json())


def test_a_success_that_breaks_the_description_would_be_caught():
    broken = {
        "categories": [{"name": "Fiction", "book_count": "one", "url": "/", "books_url": "/"}]
    }
    assert not OAS31Validator(answer_schema("/categories", 200)).is_valid(broken)


# --- Fuzzing from the description ----------------------------------------------------------

# Loaded from the served description through Django's WSGI app (schemathesis' lazy
# from_fixture loader does not work with pytest 9). Serving it reads no DynamoDB.
fuzzed = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@fuzzed.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_fuzzed_requests_get_no_server_error_and_match_the_description(
    case, catalog, shopper_headers
):
    # A page token is opaque: one the API did not issue is rightly a 400, though any string
    # fits the description. Every other check applies to every request. Requests are made as
    # a signed-in shopper from this site, so the cart and orders are fuzzed too.
    excluded = [positive_data_acceptance] if "page_token" in (case.query or {}) else []
    case.call_and_validate(headers=shopper_headers, excluded_checks=excluded)


@pytest.fixture
def shopper_headers(make_user):
    from django.conf import settings as django_settings
    from django.test import Client

    from tests.conftest import sign_in

    client = Client()
    sign_in(client, make_user())
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    # schemathesis' WSGI client calls the site "localhost".
    return {
        "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}",
        "Origin": "http://localhost",
    }
