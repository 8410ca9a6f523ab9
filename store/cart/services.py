"""Writes to carts. Every change reads the cart, changes it and writes it back on the
condition that its version is unchanged (PynamoDB's VersionAttribute); when another request
changed it in between, the change is applied again to the new state. No update is lost."""

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from pynamodb.exceptions import PutError, TransactWriteError

from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.dynamo_errors import (
    failed_actions,
    is_conditional_failure,
    is_conflict,
    retry_pause,
)
from cloudshelf.errors import ApplicationError
from store.cart.models import Cart, CartLine
from store.cart.selectors import (
    CART_ID,
    books_get,
    cart_fetch,
    cart_get,
    cart_is_expired,
    copies_left,
)
from store.catalog.models import Book
from store.catalog.selectors import book_get
from store.money import to_cents

log = logging.getLogger(__name__)

WRITE_ATTEMPTS = 8
# One transaction places an order: a stock update per line, the order and the cart.
ORDER_MAX_LINES = 98


class CartError(ApplicationError):
    message = "Your cart could not be changed."


class BookNotAvailable(CartError):
    message = "This book is not available."


class BookSoldOut(CartError):
    message = "This book is sold out."


class NotEnoughStock(CartError):
    message = "There are not enough copies of this book in stock."


class QuantityTooLarge(CartError):
    message = "That is more copies than one order may hold."


class CartFull(CartError):
    message = "Your cart is full."


class CartLineNotFound(CartError):
    message = "That book is not in your cart."


class CartBusy(CartError):
    message = "Your cart is being changed elsewhere right now. Please try again."


def _fresh_cart(owner: str, *, version: int | None = None) -> Cart:
    now = utcnow()
    cart = Cart(
        owner, CART_ID, items=[], created_at=now, updated_at=now, cart_ref=secrets.token_hex(8)
    )
    if version is not None:
        cart.version = version
    return cart


def _cart_for_update(owner: str) -> Cart:
    """The owner's cart to change: the stored one, an empty one keeping the version of an
    expired one (still in the table until TTL deletes it), or a new one."""
    cart = cart_fetch(owner=owner)
    if cart is None:
        return _fresh_cart(owner)
    if cart_is_expired(cart):
        return _fresh_cart(owner, version=cart.version)
    return cart


def _cart_touch(cart: Cart) -> None:
    """Recompute the seed's totals and push the expiry back."""
    now = utcnow()
    cart.total_amount = to_cents(
        sum((line.price * line.quantity for line in cart.items), to_cents(0))
    )
    cart.item_count = sum(line.quantity for line in cart.items)
    cart.updated_at = now
    cart.expires_at = now + timedelta(days=settings.CART_TTL_DAYS)


def _find_line(cart: Cart, category: str, book_id: str) -> CartLine | None:
    for line in cart.items:
        if line.category == category and line.book_id == book_id:
            return line
    return None


def _cart_change(owner: str, change: Callable[[Cart], None]) -> Cart:
    """Apply ``change(cart)`` and save with the version condition, retrying on conflict."""
    for attempt in range(WRITE_ATTEMPTS):
        cart = _cart_for_update(owner)
        change(cart)
        _cart_touch(cart)
        try:
            cart.save()
            return cart
        except PutError as error:
            if not is_conditional_failure(error):
                raise
            retry_pause(attempt)
    raise CartBusy()


def _check_quantity(book: Book, quantity: int, *, in_cart: int = 0) -> None:
    """Refuse a quantity the store cannot sell; the messages say what is possible."""
    limit = settings.CART_MAX_QUANTITY_PER_LINE
    if book.stock_quantity <= 0:
        raise BookSoldOut(f"“{book.title}” is sold out.")
    if quantity > book.stock_quantity:
        already = f" and your cart already has {in_cart}" if in_cart else ""
        raise NotEnoughStock(f"{copies_left(book.stock_quantity, book.title)}{already}.")
    if quantity > limit:
        already = f" (your cart already has {in_cart})" if in_cart else ""
        raise QuantityTooLarge(f"You can order at most {limit} copies of “{book.title}”{already}.")


def _bookable(category: str, book_id: str) -> Book:
    book = book_get(category=category, book_id=book_id)
    if book is None:
        raise BookNotAvailable("That book is not available.")
    return book


def cart_item_add(*, owner: str, category: str, book_id: str, quantity: int) -> Cart:
    """Add ``quantity`` copies of a book (price and title from the catalog, never from the
    request). Costs the book's GetItem, the cart's GetItem and a PutItem."""
    book = _bookable(category, book_id)

    def change(cart: Cart) -> None:
        line = _find_line(cart, category, book_id)
        in_cart = line.quantity if line else 0
        _check_quantity(book, in_cart + quantity, in_cart=in_cart)
        if line is None:
            if len(cart.items) >= settings.CART_MAX_LINES:
                raise CartFull(
                    f"Your cart is full ({settings.CART_MAX_LINES} different "
                    "books). Check out or remove a book first."
                )
            cart.items.append(
                CartLine(
                    book_id=book.book_id,
                    category=book.category,
                    title=book.title,
                    price=book.price,
                    quantity=quantity,
                )
            )
        else:
            line.quantity = in_cart + quantity
            line.price, line.title = book.price, book.title

    return _cart_change(owner, change)


def cart_item_set_quantity(*, owner: str, category: str, book_id: str, quantity: int) -> Cart:
    """Set a line's quantity. The line takes the book's current price: the shopper has seen
    it on the cart page."""
    book = book_get(category=category, book_id=book_id)

    def change(cart: Cart) -> None:
        line = _find_line(cart, category, book_id)
        if line is None:
            raise CartLineNotFound()
        if book is None:
            raise BookNotAvailable(
                f"“{line.title}” is no longer available. Please remove it from your cart."
            )
        _check_quantity(book, quantity)
        line.quantity = quantity
        line.price, line.title = book.price, book.title

    return _cart_change(owner, change)


def cart_item_remove(*, owner: str, category: str, book_id: str) -> Cart:
    def change(cart: Cart) -> None:
        line = _find_line(cart, category, book_id)
        if line is None:
            raise CartLineNotFound()
        cart.items.remove(line)

    return _cart_change(owner, change)


@dataclass
class CartMerge:
    cart: Cart | None
    merged: list[str] = field(default_factory=list)  # what was brought over, for the message
    left_out: list[str] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return self.cart.item_count if self.cart is not None and self.cart.items else 0


def cart_merge(*, anonymous_owner: str | None, user_id: str) -> CartMerge:
    """Bring an anonymous cart into the account's cart at sign-in: every line is kept,
    quantities of the same book add up (capped at the stock and the per-line limit; a
    sold-out book stays with one copy so the shopper sees it), and the anonymous cart is
    deleted in the same transaction, on the condition that neither cart changed meanwhile."""
    earlier: CartMerge | None = None
    for attempt in range(WRITE_ATTEMPTS):
        anonymous = cart_get(owner=anonymous_owner) if anonymous_owner else None
        if anonymous is None or not anonymous.items:
            # Gone after an attempt of ours failed: that attempt committed after all (a
            # timeout retried by botocore, then refused by its own conditions).
            return CartMerge(
                cart=cart_get(owner=user_id),
                merged=earlier.merged if earlier else [],
                left_out=earlier.left_out if earlier else [],
            )
        books = books_get(keys=[(line.category, line.book_id) for line in anonymous.items])
        cart = _cart_for_update(user_id)
        result = CartMerge(cart=cart)
        for line in anonymous.items:
            book = books.get((line.category, line.book_id))
            stock = book.stock_quantity if book is not None and book.listed else 0
            mine = _find_line(cart, line.category, line.book_id)
            wanted = (mine.quantity if mine else 0) + line.quantity
            kept = min(wanted, settings.CART_MAX_QUANTITY_PER_LINE, max(stock, 1))
            if mine is None and len(cart.items) >= ORDER_MAX_LINES:
                result.left_out.append(line.title)
                continue
            if mine is None:
                cart.items.append(
                    CartLine(
                        book_id=line.book_id,
                        category=line.category,
                        title=line.title,
                        price=line.price,
                        quantity=kept,
                    )
                )
            else:
                mine.quantity = kept
            note = f"{line.title} (×{line.quantity})"
            if stock <= 0:
                note += ", now sold out"
            elif kept < wanted:
                note += f", {kept} in your cart: that is all we can sell"
            result.merged.append(note)
        _cart_touch(cart)
        earlier = result
        try:
            with transaction() as tx:
                tx.save(cart, name="cart")
                tx.delete(anonymous, name="anonymous_cart")
            return result
        except TransactWriteError as error:
            if not (failed_actions(error) or is_conflict(error)):
                raise
            retry_pause(attempt)
    raise CartBusy()
