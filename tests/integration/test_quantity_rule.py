"""One rule for a quantity, in the cart's form, the JSON API and the OpenAPI description:
a whole number written with the digits 0-9 (spaces around a form's text ignored)."""

import json

import pytest
from django.test import Client

from store.api.openapi import openapi_description
from store.cart.forms import CartAddForm
from store.cart.quantity import quantity_rule
from tests.conftest import SAME_ORIGIN

BOOK = {"category": "Technology", "book_id": "tech-001"}


@pytest.mark.parametrize(("text", "quantity"), [("1", 1), (" 1", 1), ("2 ", 2), ("03", 3)])
def test_cart_form_takes_ascii_digits_with_spaces_around(text, quantity):
    form = CartAddForm(data={**BOOK, "quantity": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["quantity"] == quantity


@pytest.mark.parametrize("text", ["\u0661", "\u0662", "\uff11", "1.0", "+1", "1e0", "1 1", ""])
def test_cart_form_refuses_other_digits_and_notations(text):
    form = CartAddForm(data={**BOOK, "quantity": text})
    assert not form.is_valid()
    assert form.errors["quantity"] == [quantity_rule()]


def test_cart_page_refuses_arabic_indic_digits_with_the_rule(seed_books):
    client = Client()
    response = client.post(
        "/cart/add/", {**BOOK, "quantity": "\u0661", "next": "/"}, follow=True, **SAME_ORIGIN
    )
    assert response.status_code in (200, 400)
    assert "digits 0-9" in response.content.decode()
    assert not client.get("/cart/").context["cart"].lines


@pytest.mark.parametrize("quantity", [" 1", "1", "\u0661", 1.5, True])
def test_api_refuses_a_quantity_that_is_not_a_json_number_with_the_rule(
    shopper_client, seed_books, quantity
):
    response = shopper_client.post(
        "/api/v1/cart/items",
        json.dumps({**BOOK, "quantity": quantity}),
        content_type="application/json",
        **SAME_ORIGIN,
    )
    assert response.status_code == 400
    assert json.loads(response.content)["error"]["fields"] == {"quantity": quantity_rule()}


def test_api_takes_a_json_number(shopper_client, seed_books):
    response = shopper_client.post(
        "/api/v1/cart/items",
        json.dumps({**BOOK, "quantity": 2}),
        content_type="application/json",
        **SAME_ORIGIN,
    )
    assert response.status_code == 200


def test_openapi_describes_the_same_rule():
    document = openapi_description()
    add = document["paths"]["/cart/items"]["post"]["requestBody"]["content"]
    schema = add["application/json"]["schema"]["properties"]["quantity"]
    assert schema["type"] == "integer" and schema["description"] == quantity_rule()
