"""The OpenAPI 3.1 description of the JSON API, served at /api/v1/openapi.json. The tests
validate every answer against it and fuzz the API from it, so it is the contract."""

from functools import lru_cache

from django.conf import settings

from store.cart.quantity import quantity_rule

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
URL = {"type": "string", "description": "A URL relative to the site."}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties, required=None):
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


BOOK_SUMMARY = {
    "category": STRING,
    "book_id": STRING,
    "title": STRING,
    "author": STRING,
    "price": {
        "type": "string",
        "pattern": r"^[0-9]+\.[0-9]{2}$",
        "description": "A decimal amount with two places, in `currency`.",
        "examples": ["42.99"],
    },
    "currency": {"type": "string", "enum": ["USD"]},
    "stock_status": {"type": "string", "enum": ["in_stock", "low_stock", "sold_out"]},
    "cover_url": URL,
    "url": {**URL, "description": "The book's page on the site."},
    "api_url": {**URL, "description": "This book in the API."},
}
BOOK = {
    **BOOK_SUMMARY,
    "isbn": STRING,
    "description": STRING,
    "stock_quantity": {"type": "integer", "minimum": 0},
    "created_at": {"type": ["string", "null"], "format": "date-time"},
    "updated_at": {"type": ["string", "null"], "format": "date-time"},
}

SCHEMAS = {
    "Error": obj(
        {
            "error": obj(
                {
                    "code": {
                        "type": "string",
                        "description": "Stable, machine-readable: `not_found`, "
                        "`invalid_request`, `invalid_page_token`, `not_authenticated`, "
                        "`forbidden`, `method_not_allowed`, `unsupported_media_type`, "
                        "`service_unavailable`, or a domain rule such as `out_of_stock`.",
                    },
                    "message": {"type": "string", "description": "For people."},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "For invalid input: what is wrong with each field.",
                    },
                },
                required=["code", "message"],
            )
        }
    ),
    "BookSummary": obj(BOOK_SUMMARY),
    "Book": obj(BOOK),
    "Category": obj(
        {
            "name": STRING,
            "book_count": {"type": "integer", "minimum": 0},
            "url": URL,
            "books_url": URL,
        }
    ),
    "CategoryList": obj({"categories": {"type": "array", "items": ref("Category")}}),
    "BookList": obj({"books": {"type": "array", "items": ref("BookSummary")}}),
    "BookPage": obj(
        {
            "books": {"type": "array", "items": ref("BookSummary")},
            "next_page_token": {
                **NULLABLE_STRING,
                "description": "Pass as `page_token` for the next page; null on the last page.",
            },
        }
    ),
    "SearchResults": obj(
        {
            "query": STRING,
            "books": {"type": "array", "items": ref("BookSummary")},
            "next_page_token": NULLABLE_STRING,
        }
    ),
}

MONEY = BOOK_SUMMARY["price"]
SCHEMAS.update(
    {
        "CartLine": obj(
            {
                "category": STRING,
                "book_id": STRING,
                "title": STRING,
                "quantity": {"type": "integer", "minimum": 1},
                "unit_price": {**MONEY, "description": "The book's current price."},
                "price_when_added": MONEY,
                "line_total": MONEY,
                "problem": {
                    **NULLABLE_STRING,
                    "description": "Why the line cannot be bought as it "
                    "is (sold out, not enough stock, no longer available), or null.",
                },
                "api_url": URL,
            }
        ),
        "CartDiscount": obj(
            {
                "code": {**STRING, "description": "The discount code on the cart (upper case)."},
                "label": {
                    **NULLABLE_STRING,
                    "description": 'What it gives ("10 % off", "Free shipping"), or null.',
                },
                "amount": {**MONEY, "description": "Taken off the subtotal, before tax."},
                "free_shipping": {"type": "boolean"},
                "problem": {
                    **NULLABLE_STRING,
                    "description": "Why the code takes nothing off this cart now (expired, "
                    "used up, not applicable...), or null.",
                },
            }
        ),
        "Cart": obj(
            {
                "lines": {"type": "array", "items": ref("CartLine")},
                "item_count": {"type": "integer", "minimum": 0},
                "subtotal": MONEY,
                "discount": {
                    "oneOf": [ref("CartDiscount"), {"type": "null"}],
                    "description": "The cart's discount code, or null without one. `tax` "
                    "is on the subtotal less the discount; `total` is after it.",
                },
                "tax": MONEY,
                "shipping": MONEY,
                "total": MONEY,
                "currency": {"type": "string", "enum": ["USD"]},
            }
        ),
        "OrderSummary": obj(
            {
                "order_id": STRING,
                "order_date": STRING,
                "status": STRING,
                "item_count": {"type": "integer", "minimum": 0},
                "total": MONEY,
                "currency": {"type": "string", "enum": ["USD"]},
                "created_at": {"type": ["string", "null"], "format": "date-time"},
                "url": URL,
                "api_url": URL,
            }
        ),
        "OrderList": obj(
            {
                "orders": {"type": "array", "items": ref("OrderSummary")},
                "next_page_token": NULLABLE_STRING,
            }
        ),
        "OrderLine": obj(
            {
                "category": NULLABLE_STRING,
                "book_id": STRING,
                "title": STRING,
                "price": MONEY,
                "quantity": {"type": "integer", "minimum": 1},
                "line_total": MONEY,
            }
        ),
        "Address": obj(
            {
                "street": STRING,
                "city": STRING,
                "state": STRING,
                "postal_code": STRING,
                "country": NULLABLE_STRING,
            }
        ),
    }
)
SCHEMAS["Order"] = obj(
    {
        **SCHEMAS["OrderSummary"]["properties"],
        "items": {"type": "array", "items": ref("OrderLine")},
        "subtotal": MONEY,
        "discount_code": {**NULLABLE_STRING, "description": "The discount code used, or null."},
        "discount": {
            **MONEY,
            "description": "What the code took off the subtotal, before tax (0.00 without one).",
        },
        "tax": MONEY,
        "shipping": MONEY,
        "shipping_address": ref("Address"),
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
    }
)

ERROR_RESPONSE = {
    "description": "An error (see the `Error` schema for the codes).",
    "content": {"application/json": {"schema": ref("Error")}},
}


def ok(description, schema, cached=True):
    headers = {
        "Cache-Control": {
            "schema": {"type": "string"},
            "description": (
                "`public, max-age=60, s-maxage=60`: cacheable by browsers and CloudFront."
                if cached
                else "`private, no-store`."
            ),
        }
    }
    return {
        "description": description,
        "headers": headers,
        "content": {"application/json": {"schema": schema}},
    }


def query_param(name, description, schema, required=False):
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def path_param(name, description, schema):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


PAGE_TOKEN = query_param(
    "page_token",
    "The `next_page_token` of the previous page.",
    {"type": "string", "maxLength": 4096},
)
CATEGORY = path_param(
    "category",
    "A category name, as listed by /categories.",
    {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^/~][^/]*$"},
)
BOOK_ID = path_param(
    "book_id",
    "The book's id within its category.",
    {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^/]+$"},
)
TEXT = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"}


def operation(
    operation_id, summary, responses, parameters=(), description=None, body=None, signed_in=False
):
    result = {
        "operationId": operation_id,
        "summary": summary,
        "parameters": list(parameters),
        "responses": {**responses, "default": ERROR_RESPONSE},
    }
    if description:
        result["description"] = description
    if body:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if signed_in:
        result["security"] = [{"session": []}]
    return result


SIGNED_IN = "For a signed-in shopper (the site's session cookie); 401 otherwise. "
WRITE = (
    "A change must come from this site: its `Origin` (or `Referer`) names this site, "
    "else 403; the body is JSON, else 415. "
)
QUANTITY = {
    "type": "integer",
    "minimum": 1,
    "maximum": settings.CART_MAX_QUANTITY_PER_LINE,
    "description": quantity_rule(),
}
CART_OK = {"200": ok("The cart after the change, at current prices.", ref("Cart"), False)}


PATHS = {
    "/categories": {
        "get": operation(
            "listCategories",
            "The categories, with how many books each holds.",
            {"200": ok("The categories.", ref("CategoryList"))},
        )
    },
    "/categories/{category}/books": {
        "get": operation(
            "listCategoryBooks",
            "One page of a category's books.",
            {"200": ok("A page of books.", ref("BookPage"))},
            [
                CATEGORY,
                PAGE_TOKEN,
                query_param(
                    "page_size",
                    "Books per page.",
                    {"type": "integer", "minimum": 1, "maximum": 100, "default": 24},
                ),
            ],
            "An unknown category is a 404; a page token that this API did not give for this "
            "category is a 400 (`invalid_page_token`).",
        )
    },
    "/books": {
        "get": operation(
            "findBooksByTitle",
            "Books whose title is exactly `title` (the seed's "
            "TitleSearchIndex lookup; the usual capitalisations are tried).",
            {"200": ok("The books with that title, maybe none.", ref("BookList"))},
            [query_param("title", "The exact title.", TEXT, required=True)],
        )
    },
    "/books/{category}/{book_id}": {
        "get": operation(
            "getBook", "A book.", {"200": ok("The book.", ref("Book"))}, [CATEGORY, BOOK_ID]
        )
    },
    "/search": {
        "get": operation(
            "searchBooks",
            "Search by words of the title or the author's name.",
            {"200": ok("One page of results, best first.", ref("SearchResults"))},
            [
                query_param(
                    "q",
                    "Words, or their starts (`clea co`), of the title or the author's "
                    "name; case and accents are ignored.",
                    TEXT,
                    required=True,
                ),
                PAGE_TOKEN,
                query_param(
                    "page_size",
                    "Results per page.",
                    {"type": "integer", "minimum": 1, "maximum": 50, "default": 24},
                ),
            ],
            "Exact title matches come first, then books whose title starts with the words, then "
            "titles containing them, then authors. A page may hold fewer results than "
            "`page_size` and still have a next page.",
        )
    },
    "/cart": {
        "get": operation(
            "getCart",
            "The shopper's cart, at current prices, with a problem per line that "
            "cannot be bought as it is.",
            {"200": ok("The cart (empty if there is none).", ref("Cart"), False)},
            description=SIGNED_IN,
            signed_in=True,
        )
    },
    "/cart/items": {
        "post": operation(
            "addToCart",
            "Add copies of a book to the cart.",
            CART_OK,
            body={
                "type": "object",
                "required": ["category", "book_id"],
                "properties": {
                    "category": {"type": "string", "minLength": 1, "maxLength": 100},
                    "book_id": {"type": "string", "minLength": 1, "maxLength": 200},
                    "quantity": {**QUANTITY, "default": 1},
                },
            },
            description=SIGNED_IN + WRITE + "A book that is missing or hidden is a 404; sold "
            "out, too few copies or a full cart are 409 (`book_sold_out`, `not_enough_stock`, "
            "`cart_full`); more copies than one line may hold is a 400.",
            signed_in=True,
        )
    },
    "/cart/items/{category}/{book_id}": {
        "patch": operation(
            "setCartQuantity",
            "Change how many copies of a book the cart holds.",
            CART_OK,
            [CATEGORY, BOOK_ID],
            body={
                "type": "object",
                "required": ["quantity"],
                "properties": {"quantity": QUANTITY},
            },
            description=SIGNED_IN + WRITE + "A book not in the cart is a 404.",
            signed_in=True,
        ),
        "delete": operation(
            "removeFromCart",
            "Remove a book from the cart.",
            CART_OK,
            [CATEGORY, BOOK_ID],
            description=SIGNED_IN + WRITE + "A book not in the cart is a 404.",
            signed_in=True,
        ),
    },
    "/orders": {
        "get": operation(
            "listOrders",
            "The shopper's orders, newest first.",
            {"200": ok("A page of orders.", ref("OrderList"), False)},
            [
                PAGE_TOKEN,
                query_param(
                    "page_size",
                    "Orders per page.",
                    {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
                ),
            ],
            description=SIGNED_IN,
            signed_in=True,
        )
    },
    "/orders/{order_id}": {
        "get": operation(
            "getOrder",
            "One of the shopper's orders.",
            {"200": ok("The order.", ref("Order"), False)},
            [
                path_param(
                    "order_id",
                    "The order's id.",
                    {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^/]+$"},
                )
            ],
            description=SIGNED_IN + "Another shopper's order is a 404.",
            signed_in=True,
        )
    },
    "/openapi.json": {
        "get": operation(
            "getOpenApiDescription",
            "This description.",
            {"200": ok("The OpenAPI description.", {"type": "object"})},
        )
    },
}


@lru_cache(maxsize=1)
def openapi_description():
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CloudShelf API",
            "version": "1.0.0",
            "description": (
                "Read the CloudShelf catalog as JSON. Catalog answers are public and "
                "cacheable for a minute. Errors are always "
                '`{"error": {"code", "message", "fields"?}}` with the fitting '
                "status: 400 invalid input, 401 not signed in, 403 refused, 404 not found, "
                "405 wrong method, 409 against a rule of the store, 503 the store's "
                "database is unavailable (retry after `Retry-After` seconds)."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "sessionid",
                    "description": "The site's session cookie, set by signing in on the site.",
                }
            },
        },
    }
