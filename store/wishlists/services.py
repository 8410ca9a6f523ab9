"""Writes of wishlists and "save for later": add and remove (a transaction of the entry
and its kind's counter, conditioned on the limit), move to the cart and back."""

from django.conf import settings

from cloudshelf.dynamo import Transaction, transaction_refusals, utcnow
from cloudshelf.errors import ApplicationError
from store.cart import services as cart_services
from store.cart.selectors import cart_get
from store.catalog.models import Book
from store.catalog.selectors import book_get
from store.wishlists.models import LATER, WISH, WishlistEntry, counter_key, entry_key

ATTEMPTS = 5


class WishlistFull(ApplicationError):
    message = "Your wishlist is full: remove a book first."
    status_code = 409


class WishlistBookMissing(ApplicationError):
    message = "That book is not available."
    status_code = 404


class WishlistEntryMissing(ApplicationError):
    message = "That book is not on your list."
    status_code = 404


def limit_of(kind: str) -> int:
    return settings.WISHLIST_MAX_BOOKS if kind == WISH else settings.SAVED_FOR_LATER_MAX_BOOKS


def _busy() -> ApplicationError:
    return ApplicationError("Your list is busy: try again.")


def _entry_put(*, user_id: str, kind: str, book: Book, quantity: int = 1) -> bool:
    """Put the entry and count it: True when it is new, False when it was there already
    (nothing written, so adding twice is one entry); WishlistFull at the limit."""
    limit = limit_of(kind)
    entry = WishlistEntry(
        user_id=user_id,
        sk=entry_key(kind, book.category, book.book_id),
        category=book.category,
        book_id=book.book_id,
        title=book.title,
        saved_price=book.price,
        quantity=quantity,
        saved_at=utcnow(),
    )

    def write(tx: Transaction) -> None:
        tx.save(entry, condition=WishlistEntry.sk.does_not_exist(), name="entry")
        tx.update(
            WishlistEntry(user_id=user_id, sk=counter_key(kind)),
            actions=[WishlistEntry.count.set((WishlistEntry.count | 0) + 1)],
            condition=WishlistEntry.count.does_not_exist() | (WishlistEntry.count < limit),
            name="counter",
        )

    refused = transaction_refusals(write, attempts=ATTEMPTS, busy=_busy())
    if "entry" in refused:
        return False  # saved already: one entry
    if "counter" in refused:
        raise WishlistFull(f"Your list is full ({limit} books): remove one first.")
    return True


def _entry_delete(*, user_id: str, kind: str, category: str, book_id: str) -> None:
    def write(tx: Transaction) -> None:
        tx.delete(
            WishlistEntry(user_id=user_id, sk=entry_key(kind, category, book_id)),
            condition=WishlistEntry.sk.exists(),
            name="entry",
        )
        tx.update(
            WishlistEntry(user_id=user_id, sk=counter_key(kind)),
            actions=[WishlistEntry.count.set(WishlistEntry.count - 1)],
            condition=WishlistEntry.count > 0,
            name="counter",
        )

    if "entry" in transaction_refusals(write, attempts=ATTEMPTS, busy=_busy()):
        raise WishlistEntryMissing()


def wishlist_item_add(*, user_id: str, category: str, book_id: str) -> tuple[Book, bool]:
    """Put the book on the wishlist; returns it and whether it is new there (False: it
    was on the list already, which is not an error)."""
    book = book_get(category=category, book_id=book_id)
    if book is None:
        raise WishlistBookMissing()
    return book, _entry_put(user_id=user_id, kind=WISH, book=book)


def wishlist_item_remove(*, user_id: str, category: str, book_id: str) -> None:
    _entry_delete(user_id=user_id, kind=WISH, category=category, book_id=book_id)


def wishlist_item_move_to_cart(*, user_id: str, category: str, book_id: str) -> None:
    """One copy into the cart (refused as the cart refuses: sold out...), then off the
    wishlist."""
    cart_services.cart_item_add(owner=user_id, category=category, book_id=book_id, quantity=1)
    _entry_delete(user_id=user_id, kind=WISH, category=category, book_id=book_id)


def cart_item_save_for_later(*, user_id: str, category: str, book_id: str) -> None:
    """Move a cart line out of the cart, into "saved for later" (with its quantity).
    Saved first, then removed from the cart: a failure between leaves it in both, never
    in neither."""
    cart = cart_get(owner=user_id)
    line = next(
        (
            line
            for line in (cart.items if cart else [])
            if (line.category, line.book_id) == (category, book_id)
        ),
        None,
    )
    if line is None:
        raise cart_services.CartLineNotFound()
    book = book_get(category=category, book_id=book_id)
    if book is None:
        raise WishlistBookMissing()
    _entry_put(user_id=user_id, kind=LATER, book=book, quantity=line.quantity)
    cart_services.cart_item_remove(owner=user_id, category=category, book_id=book_id)


def saved_item_move_to_cart(*, user_id: str, category: str, book_id: str) -> None:
    """Back into the cart with the quantity it had, then off the saved list."""
    try:
        entry = WishlistEntry.get(
            user_id, entry_key(LATER, category, book_id), consistent_read=True
        )
    except WishlistEntry.DoesNotExist as error:
        raise WishlistEntryMissing() from error
    cart_services.cart_item_add(
        owner=user_id, category=category, book_id=book_id, quantity=entry.quantity or 1
    )
    _entry_delete(user_id=user_id, kind=LATER, category=category, book_id=book_id)


def saved_item_remove(*, user_id: str, category: str, book_id: str) -> None:
    _entry_delete(user_id=user_id, kind=LATER, category=category, book_id=book_id)
