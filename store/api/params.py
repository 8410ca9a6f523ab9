"""Reading an API request's query parameters; anything invalid is a 400 that names the
parameter in ``fields``."""

from store.api.responses import ApiError

MAX_PAGE_TOKEN_LENGTH = 4096


def invalid(name, message):
    return ApiError(400, "invalid_request", f"{name}: {message}", fields={name: message})


def required_text(request, name, *, max_length):
    value = request.GET.get(name)
    if value is None or not value.strip():
        raise invalid(name, "This parameter is required.")
    if len(value) > max_length:
        raise invalid(name, f"At most {max_length} characters.")
    return value


def page_token(request):
    value = request.GET.get("page_token") or None
    if value is not None and len(value) > MAX_PAGE_TOKEN_LENGTH:
        raise ApiError(
            400,
            "invalid_page_token",
            "This page token is not valid.",
            fields={"page_token": "This page token is not valid."},
        )
    return value


def integer(request, name, *, default, low, high):
    value = request.GET.get(name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise invalid(name, f"A whole number from {low} to {high}.")
    return int(value)


def json_object(request):
    """The request's JSON body, which must be an object; 415 for another media type."""
    import json

    if request.content_type != "application/json":
        raise ApiError(
            415, "unsupported_media_type", "Send a JSON body with Content-Type: application/json."
        )
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, "invalid_request", "The body is not valid JSON.") from error
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_request", "The body must be a JSON object.")
    return data


def body_integer(data, name, *, low, high, default=None):
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(name, f"A whole number from {low} to {high}.")
    return value


def body_quantity(data, *, default=None):
    """``quantity`` by the cart's one rule (store/cart/quantity.py): a JSON number."""
    from store.cart.quantity import quantity_from_json, quantity_rule

    quantity = quantity_from_json(data.get("quantity", default))
    if quantity is None:
        raise invalid("quantity", quantity_rule())
    return quantity


def body_text(data, name, *, max_length):
    value = data.get(name)
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise invalid(name, f"A text of 1 to {max_length} characters.")
    return value
