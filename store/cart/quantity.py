"""The one rule for a quantity of copies, wherever a shopper gives one (the cart's forms,
the JSON API, its OpenAPI description): a whole number from 1 to
CART_MAX_QUANTITY_PER_LINE written with the digits 0-9. A form's text may have spaces
around it (a browser's number field sends digits only anyway); other digits (Arabic-Indic
"١", full-width "１"), signs, decimals and exponents are refused. The JSON API takes a
JSON number, which is written in the digits 0-9 by definition; a string is refused."""

import re

from django.conf import settings

ASCII_DIGITS = re.compile(r"[0-9]+")


def quantity_limit():
    return settings.CART_MAX_QUANTITY_PER_LINE


def quantity_rule():
    """The rule in words, as the form, the API and the OpenAPI description give it."""
    return (
        f"A whole number of copies from 1 to {quantity_limit()}, "
        "written with the digits 0-9 (in JSON, a number)."
    )


def quantity_from_text(text):
    """The quantity ``text`` writes (spaces around it ignored), or None if it is not one
    (the bounds are checked apart)."""
    text = str(text).strip()
    return int(text) if ASCII_DIGITS.fullmatch(text) else None


def quantity_from_json(value):
    """A JSON value as a quantity within the bounds, or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= quantity_limit() else None
