"""Reads of carts. A cart is one GetItem (key: owner, "active"); the cart page adds one
BatchGet of its books' current state."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings

from cloudshelf.dynamo import utcnow
from store.cart.models import Cart
from store.cart.pricing import Pricing, order_pricing
from store.catalog.models import Book
from store.promotions.rules import Discount, PricedLine, PromotionError
from store.promotions.selectors import discount_get

CART_ID = "active"


def line_key(category: str, book_id: str) -> str:
    return f"{category}/{book_id}"


def cart_is_expired(cart: Cart, *, now: datetime | None = None) -> bool:
    """DynamoDB deletes expired items late (up to days): an expired cart is empty."""
    return cart.expires_at is not None and cart.expires_at <= (now or utcnow())


def cart_fetch(*, owner: str | None) -> Cart | None:
    """The stored cart item, expired or not (for writers that keep its version), or None."""
    if not owner:
        return None
    try:
        return Cart.get(owner, CART_ID, consistent_read=True)
    except Cart.DoesNotExist:
        return None


def cart_get(*, owner: str | None) -> Cart | None:
    """The owner's live cart (one GetItem), or None when there is none or it expired."""
    cart = cart_fetch(owner=owner)
    if cart is None or cart_is_expired(cart):
        return None
    return cart


def books_get(
    *, keys: Iterable[tuple[str, str]], consistent_read: bool = False
) -> dict[tuple[str, str], Book]:
    """``{(category, book_id): Book}`` for the keys that exist, in one BatchGet (up to 100
    keys; the cart never holds more)."""
    unique = list(dict.fromkeys(keys))
    if not unique:
        return {}
    return {
        (book.category, book.book_id): book
        for book in Book.batch_get(unique, consistent_read=consistent_read)
    }


def line_problem(*, title: str, quantity: int, book: Book | None) -> str | None:
    """Why a cart line cannot be bought as it is, or None."""
    if book is None or not book.listed:
        return f"“{title}” is no longer available. Please remove it from your cart."
    if book.stock_quantity <= 0:
        return f"“{title}” is sold out. Please remove it from your cart."
    if quantity > book.stock_quantity:
        return f"{copies_left(book.stock_quantity, title)}; your cart has {quantity}."
    return None


def copies_left(stock: int, title: str) -> str:
    if stock == 1:
        return f"Only 1 copy of “{title}” is left"
    return f"Only {stock} copies of “{title}” are left"


@dataclass
class CartLineView:
    """A cart line beside its book's current state."""

    category: str
    book_id: str
    title: str
    quantity: int
    added_price: Decimal
    book: Book | None
    error: str = ""
    typed: str = ""

    @property
    def key(self) -> str:
        return line_key(self.category, self.book_id)

    @property
    def price(self) -> Decimal:
        """The current catalog price (the price when added if the book is gone)."""
        return self.book.price if self.book is not None else self.added_price

    @property
    def price_changed(self) -> bool:
        return self.book is not None and self.book.price != self.added_price

    @property
    def line_total(self) -> Decimal:
        return self.price * self.quantity

    @property
    def problem(self) -> str | None:
        return line_problem(title=self.title, quantity=self.quantity, book=self.book)

    @property
    def max_quantity(self) -> int:
        return settings.CART_MAX_QUANTITY_PER_LINE


@dataclass
class CartView:
    cart: Cart | None = None
    lines: list[CartLineView] = field(default_factory=list)
    # The cart's discount code (store/promotions): what it takes off, or why it takes nothing.
    discount: Discount | None = None
    discount_problem: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def pricing(self) -> Pricing:
        return order_pricing(
            lines=[(line.price, line.quantity) for line in self.lines],
            discount=self.discount.amount if self.discount else None,
            free_shipping=bool(self.discount and self.discount.free_shipping),
        )

    @property
    def discount_code(self) -> str | None:
        return self.cart.discount_code if self.cart is not None else None

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]

    @property
    def price_changes(self) -> list[CartLineView]:
        return [line for line in self.lines if line.price_changed]


def cart_detail_get(*, owner: str | None, consistent_read: bool = False) -> CartView:
    """The cart with the current price and stock of its books: one GetItem, and one
    BatchGet when the cart has lines."""
    cart = cart_get(owner=owner)
    if cart is None or not cart.items:
        return CartView(cart=cart)
    books = books_get(
        keys=[(line.category, line.book_id) for line in cart.items],
        consistent_read=consistent_read,
    )
    lines = [
        CartLineView(
            category=line.category,
            book_id=line.book_id,
            title=line.title,
            quantity=line.quantity,
            added_price=line.price,
            book=books.get((line.category, line.book_id)),
        )
        for line in cart.items
    ]
    view = CartView(cart=cart, lines=lines)
    if cart.discount_code:
        _cart_discount(view, cart.discount_code)
    return view


def _cart_discount(view: CartView, code: str) -> None:
    """What the cart's code takes off its lines at their current prices (one GetItem)."""
    priced = [
        PricedLine(category=li.category, book_id=li.book_id, price=li.price, quantity=li.quantity)
        for li in view.lines
    ]
    try:
        view.discount = discount_get(code=code, lines=priced)
    except PromotionError as error:
        view.discount_problem = error.message
