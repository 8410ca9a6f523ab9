"""The book cards, rendered in Python.

A category page shows 24 cards of some 30 values each; the Django template language spent
about half of that page's CPU resolving and escaping them (issue 17, BENCHMARKS.md §2).
Here each card is one ``str.format`` of escaped values. The HTML is byte for byte what the
card templates rendered (tests/unit/test_book_cards_html.py renders both): edit the markup
below and the reference templates in tests/unit/reference_templates/ together.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.template.defaultfilters import urlencode
from django.templatetags.static import static
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.text import slugify

from store.templatetags.store_tags import (
    fast_reverse,
    money,
    stock_class,
    stock_label,
    url_builder,
)

CARD = """
<li class="book-card">
  <a href="{url}">
    <img src="{cover}" alt="" width="150" height="225" loading="lazy">
    <span class="book-card__title">{title}</span>
  </a>
  <span class="book-card__author">{author}</span>
  {rating}

  <span class="book-card__price">{price}</span>
  {stock}
  
{add_to_cart}

  
{wishlist}

</li>
"""

RATING = (
    '<span class="book-card__rating"><span aria-hidden="true">{stars} ({count})</span>'
    '<span class="visually-hidden">Rated {average} out of 5, {count} review{plural}</span></span>'
)

STOCK = '<span class="stock {stock_class}">{stock_label}</span>'

ADD_TO_CART = """
<form class="add-to-cart add-to-cart--compact" method="post" action="{cart_add_url}">
  <input type="hidden" name="category" value="{category}">
  <input type="hidden" name="book_id" value="{book_id}">
  <input type="hidden" name="next" value="{next}">
  <label for="{field_id}" class="visually-hidden">Quantity of {title}</label>
  <input id="{field_id}" type="number" name="quantity" value="1" min="1" max="{max_quantity}" step="1" inputmode="numeric" required>
  <button type="submit">Add to cart<span class="visually-hidden">: {title}</span></button>
</form>
"""

SOLD_OUT = "\n\n"  # where the add-to-cart form would be

WISHLIST_ADD = """
<form method="post" action="{wishlist_add_url}" class="book-card__wishlist">{csrf_input}
  <input type="hidden" name="category" value="{category}">
  <input type="hidden" name="book_id" value="{book_id}">
  <input type="hidden" name="next" value="{next}">
  <button type="submit" class="secondary">Add<span class="visually-hidden"> “{title}”</span> to wishlist</button>
</form>
"""

SIGN_IN_TO_SAVE = """
<a class="book-card__wishlist" href="{sign_in_url}">Sign in to save</a>
"""

CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'


@dataclass(frozen=True, slots=True)
class CardsPage:
    """What every card of a page shares, its values already escaped."""

    next: str
    cart_add_url: str
    wishlist_add_url: str
    sign_in_url: str
    csrf_input: str
    book_url: Callable[..., str]
    cover_url: Callable[..., str]
    no_cover_url: str
    signed_in: bool
    ratings: dict
    max_quantity: int


def cards_page(*, path, signed_in, csrf_token, ratings, max_quantity):
    """``csrf_token`` is read only for a signed-in visitor (reading it sets the CSRF
    cookie, which would make an anonymous page uncacheable)."""
    token = ""
    if signed_in and csrf_token and csrf_token != "NOTPROVIDED":
        token = CSRF_INPUT.format(_text(csrf_token))
    return CardsPage(
        next=_text(path),
        cart_add_url=_text(fast_reverse("store:cart-add")),
        wishlist_add_url=_text(fast_reverse("store:wishlist-add")),
        sign_in_url=_text(fast_reverse("accounts:login") + "?next=" + urlencode(path)),
        csrf_input=token,
        book_url=url_builder("store:book-detail", 2),
        cover_url=url_builder("store:cover", 1, slash_ok=True),
        no_cover_url=_text(static("img/no-cover.svg")),
        signed_in=signed_in,
        ratings=ratings or {},
        max_quantity=max_quantity,
    )


def book_cards_html(books, page):
    return SafeString("".join(_card(book, page) for book in books))


def _card(book, page):
    raw_category, raw_id = book.category, book.book_id  # each read is a descriptor call
    title = _text(book.title)
    category = _text(raw_category)
    book_id = _text(raw_id)
    stock = getattr(book, "stock_quantity", None)
    if stock is not None and stock <= 0:
        add_to_cart = SOLD_OUT
    else:
        field_id = "qty-" + slugify(f"{raw_category}-{raw_id}")  # nothing to escape
        limit = page.max_quantity if stock is None else min(page.max_quantity, stock)
        add_to_cart = ADD_TO_CART.format(
            cart_add_url=page.cart_add_url,
            category=category,
            book_id=book_id,
            next=page.next,
            field_id=field_id,
            title=title,
            max_quantity=_text(limit),
        )
    if page.signed_in:
        wishlist = WISHLIST_ADD.format(
            wishlist_add_url=page.wishlist_add_url,
            csrf_input=page.csrf_input,
            category=category,
            book_id=book_id,
            next=page.next,
            title=title,
        )
    else:
        wishlist = SIGN_IN_TO_SAVE.format(sign_in_url=page.sign_in_url)
    return CARD.format(
        url=_text(page.book_url(raw_category, raw_id)),
        cover=_cover(book, page),
        title=title,
        author=_text(book.author),
        rating=_rating(page.ratings.get(raw_id)),
        price=_text(money(book.price)),
        stock="" if stock is None else _stock(book),
        add_to_cart=add_to_cart,
        wishlist=wishlist,
    )


def _cover(book, page):
    key = getattr(book, "image_key", None)  # a featured entry may have none
    return _text(page.cover_url(key)) if key else page.no_cover_url


def _rating(rating):
    if rating is None or not rating.count:
        return ""
    whole = int(rating.average.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return RATING.format(
        stars="★" * whole + "☆" * (5 - whole),
        count=_text(rating.count),
        average=_text(rating.average),
        plural="" if rating.count == 1 else "s",
    )


def _stock(book):
    label = stock_label(book)
    if not label:
        return ""
    return STOCK.format(stock_class=_text(stock_class(book)), stock_label=_text(label))


def _text(value):
    """A value as the template language prints it: localized, then escaped."""
    if type(value) is not str:
        value = str(localize(value))
    return escape(value)
