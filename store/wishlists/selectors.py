"""Reads of wishlists and saved-for-later lists, with the books as they are now."""

from dataclasses import dataclass
from decimal import Decimal

from store.cart.selectors import books_get
from store.catalog.models import Book
from store.wishlists.models import WishlistEntry


@dataclass
class SavedBook:
    entry: WishlistEntry
    book: Book | None  # None: no longer sold

    @property
    def price(self) -> Decimal | None:
        return self.book.price if self.book else None

    @property
    def price_dropped(self) -> bool:
        return bool(
            self.book and self.entry.saved_price and self.book.price < self.entry.saved_price
        )

    @property
    def in_stock(self) -> bool:
        return bool(self.book and (self.book.stock_quantity or 0) > 0)


def saved_list(*, user_id: str, kind: str) -> list[SavedBook]:
    """A shopper's list of one kind, newest first: one Query and one BatchGetItem."""
    entries = list(
        WishlistEntry.query(user_id, WishlistEntry.sk.startswith(f"{kind}#"), consistent_read=True)
    )
    books = (
        books_get(keys=[(e.category or "", e.book_id or "") for e in entries]) if entries else {}
    )
    saved = []
    for entry in entries:
        book = books.get((entry.category or "", entry.book_id or ""))
        saved.append(
            SavedBook(entry=entry, book=book if book is not None and book.listed else None)
        )
    saved.sort(
        key=lambda s: s.entry.saved_at.isoformat() if s.entry.saved_at else "", reverse=True
    )
    return saved
