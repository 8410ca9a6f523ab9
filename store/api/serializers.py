"""Catalog items as JSON: plain functions from the models to dicts. Money is a string with
two decimals (``"42.99"``), never a float; timestamps are ISO 8601 in UTC; URLs are
relative to the site."""

from django.conf import settings
from django.urls import reverse

from cloudshelf.dynamo import ISO_FORMAT
from store.money import to_cents
from store.templatetags.store_tags import cover_url

CURRENCY = "USD"


def money(amount):
    return str(to_cents(amount))


def stock_status(stock_quantity):
    if stock_quantity <= 0:
        return "sold_out"
    if stock_quantity <= settings.LOW_STOCK_THRESHOLD:
        return "low_stock"
    return "in_stock"


def timestamp(value):
    return value.strftime(ISO_FORMAT) if value else None


def book_summary(book):
    """What a list of books shows of each (a result card)."""
    return {
        "category": book.category,
        "book_id": book.book_id,
        "title": book.title,
        "author": book.author,
        "price": money(book.price),
        "currency": CURRENCY,
        "stock_status": stock_status(book.stock_quantity),
        "cover_url": cover_url(book),
        "url": reverse("store:book-detail", args=[book.category, book.book_id]),
        "api_url": reverse("api:book", args=[book.category, book.book_id]),
    }


def book_detail(book):
    return {
        **book_summary(book),
        "isbn": book.isbn,
        "description": book.description,
        "stock_quantity": max(book.stock_quantity, 0),
        "created_at": timestamp(book.created_at),
        "updated_at": timestamp(book.updated_at),
    }


def category(name, book_count):
    return {
        "name": name,
        "book_count": int(book_count),
        "url": reverse("store:category", args=[name]),
        "books_url": reverse("api:category-books", args=[name]),
    }


def book_page(books, next_token):
    return {"books": [book_summary(book) for book in books], "next_page_token": next_token}


def cart(view):
    """A cart (store.cart.selectors.CartView) at current prices."""
    pricing = view.pricing
    return {
        "lines": [
            {
                "category": line.category,
                "book_id": line.book_id,
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": money(line.price),
                "price_when_added": money(line.added_price),
                "line_total": money(line.line_total),
                "problem": line.problem,
                "api_url": reverse("api:cart-line", args=[line.category, line.book_id]),
            }
            for line in view.lines
        ],
        "item_count": view.item_count,
        "subtotal": money(pricing.subtotal),
        "discount": cart_discount(view),
        "tax": money(pricing.tax),
        "shipping": money(pricing.shipping),
        "total": money(pricing.total),
        "currency": CURRENCY,
    }


def cart_discount(view):
    """The cart's discount code: what it takes off, or why it takes nothing; None without one."""
    if not view.discount_code:
        return None
    discount = view.discount
    return {
        "code": view.discount_code,
        "label": discount.label if discount else None,
        "amount": money(discount.amount if discount else 0),
        "free_shipping": bool(discount and discount.free_shipping),
        "problem": view.discount_problem or None,
    }


def order_summary(order):
    return {
        "order_id": order.order_id,
        "order_date": order.order_date,
        "status": order.status,
        "item_count": sum(line.quantity for line in order.items),
        "total": money(order.total),
        "currency": CURRENCY,
        "created_at": timestamp(order.created_at),
        "url": reverse("store:order-detail", args=[order.order_id]),
        "api_url": reverse("api:order", args=[order.order_id]),
    }


def order_detail(order):
    address = order.shipping_address
    return {
        **order_summary(order),
        "items": [
            {
                "category": line.category,
                "book_id": line.book_id,
                "title": line.title,
                "price": money(line.price),
                "quantity": line.quantity,
                "line_total": money(line.price * line.quantity),
            }
            for line in order.items
        ],
        "subtotal": money(order.subtotal),
        "discount_code": order.discount_code,
        "discount": money(order.discount or 0),
        "tax": money(order.tax),
        "shipping": money(order.shipping),
        "shipping_address": {
            "street": address.street,
            "city": address.city,
            "state": address.state,
            "postal_code": address.postal_code,
            "country": address.country,
        },
        "updated_at": timestamp(order.updated_at),
    }
