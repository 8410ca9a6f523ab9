"""What the book cards of a page need, worked out once per page and once per card:
24 cards a page each rendered an inclusion tag for the add-to-cart form, another for
the stars and an include for the wishlist form, each with its own context and URL."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.template.defaultfilters import urlencode
from django.utils.text import slugify

from store.templatetags.store_tags import cover_url, fast_reverse, stock_class, stock_label

register = template.Library()


@dataclass(frozen=True, slots=True)
class CardsPage:
    """The same for every card of the page."""

    next: str
    cart_add_url: str
    wishlist_add_url: str
    sign_in_url: str
    signed_in: bool
    ratings: dict
    max_quantity: int


@dataclass(frozen=True, slots=True)
class Card:
    url: str
    cover: str
    rating: object
    stars: str
    stock_label: str
    stock_class: str
    sold_out: bool
    max_quantity: int
    field_id: str


@register.simple_tag(takes_context=True)
def cards_page(context):
    request = context.get("request")
    path = request.get_full_path() if request is not None else ""
    user = getattr(request, "user", None)
    return CardsPage(
        next=path,
        cart_add_url=fast_reverse("store:cart-add"),
        wishlist_add_url=fast_reverse("store:wishlist-add"),
        sign_in_url=fast_reverse("accounts:login") + "?next=" + urlencode(path),
        signed_in=bool(user is not None and user.is_authenticated),
        ratings=context.get("card_ratings") or {},
        max_quantity=settings.CART_MAX_QUANTITY_PER_LINE,
    )


@register.simple_tag
def card(book, page):
    """One card's URLs, stars, stock wording and add-to-cart limits."""
    rating = page.ratings.get(book.book_id)
    stars = ""
    if rating is None or not rating.count:
        rating = None
    else:
        whole = int(rating.average.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        stars = "★" * whole + "☆" * (5 - whole)
    stock = getattr(book, "stock_quantity", None)
    return Card(
        url=fast_reverse("store:book-detail", book.category, book.book_id),
        cover=cover_url(book),
        rating=rating,
        stars=stars,
        stock_label=stock_label(book) if stock is not None else "",
        stock_class=stock_class(book) if stock is not None else "",
        sold_out=stock is not None and stock <= 0,
        max_quantity=min(page.max_quantity, stock) if stock is not None else page.max_quantity,
        field_id="qty-" + slugify(f"{book.category}-{book.book_id}"),
    )
