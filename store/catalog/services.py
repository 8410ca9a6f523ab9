"""Staff writes to the catalog. Each change is one DynamoDB transaction holding the book
and its audit entry; what is derived from the books (the home page's counts and featured
books, the search index, the low-stock list) follows through the stream
(store/catalog/projections.py, store/search/projections.py)."""

from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition

from accounts.models import User
from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.dynamo_errors import failed_actions
from cloudshelf.errors import ApplicationError
from store.audit.models import AuditEntry, book_subject
from store.catalog.covers import cover_image_prepare, cover_key, cover_store
from store.catalog.models import Book

# What an edit may change (the key, stock, cover and visibility have their own services).
EDITABLE_FIELDS = ("title", "author", "isbn", "price", "description", "image_url")


class BookExists(ApplicationError):
    message = "A book with this id already exists in this category."


class BookChanged(ApplicationError):
    message = "Someone else changed this book just now. Check it and try again."


class BookMoved(BookChanged):
    message = (
        "This book was moved to another category or deleted while you were on its page, "
        "so nothing was changed. Find it in the book list and try again."
    )


def _audit(book: Book, action: str, actor: User, now: datetime, **fields: Any) -> AuditEntry:
    return AuditEntry.new(
        subject=book_subject(book.category, book.book_id),
        action=action,
        actor=actor,
        at=now,
        **fields,
    )


def book_create(*, data: dict, actor: User) -> Book:
    """Add a book (``data``: a BookForm's cleaned data). Raises BookExists."""
    now = utcnow()
    book = Book(**data, created_at=now, updated_at=now)
    entry = _audit(
        book,
        "book.create",
        actor,
        now,
        stock_after=book.stock_quantity,
        changes={field: [None, value] for field, value in sorted(data.items())},
    )
    try:
        with transaction() as tx:
            tx.save(book, condition=Book.category.does_not_exist(), name="book")
            tx.save(entry, name="audit")
    except TransactWriteError as error:
        if "book" in failed_actions(error):
            raise BookExists() from error
        raise
    return book


def _value_condition(book: Book, field: str, value: object) -> Condition:
    """That ``field`` still holds what was read: ``value``, or for a value that could not
    be read, still something of another type than the field's (or nothing)."""
    attribute = getattr(Book, field)
    if field in book.unreadable and value is None:
        return ~attribute.is_type()
    return attribute.does_not_exist() if value is None else attribute == value


def book_update(*, book: Book, data: dict, actor: User) -> Book:
    """Apply an edit to ``book`` as read just before. Only changed fields are written, on
    condition that nobody changed them meanwhile; a field that could not be read is always
    written, and so is ``created_at`` then (as now). A new category moves the book."""
    changes = {
        f: [getattr(book, f), data[f]]
        for f in EDITABLE_FIELDS
        if f in data and (getattr(book, f) != data[f] or f in book.unreadable)
    }
    if data.get("category", book.category) != book.category:
        return _book_move(book=book, category=data["category"], changes=changes, actor=actor)
    stamps_unreadable = {"created_at", "updated_at"} & set(book.unreadable)
    if not changes and not stamps_unreadable:
        return book
    now = utcnow()
    actions = [Book.updated_at.set(now)]
    condition = Book.category.exists()
    if "created_at" in stamps_unreadable:
        actions.append(Book.created_at.set(now))
        book.created_at = now
    for field, (old, new) in changes.items():
        attribute = getattr(Book, field)
        actions.append(attribute.remove() if new is None else attribute.set(new))
        condition &= _value_condition(book, field, old)
    try:
        with transaction() as tx:
            tx.update(book, actions=actions, condition=condition, name="book")
            tx.save(_audit(book, "book.edit", actor, now, changes=changes))
    except TransactWriteError as error:
        if failed_actions(error):
            raise BookChanged() from error
        raise
    for field, (_, new) in changes.items():
        setattr(book, field, new)
    book.updated_at = now
    book.unreadable = tuple(
        f for f in book.unreadable if f not in changes and f not in stamps_unreadable
    )
    return book


def _book_move(*, book: Book, category: str, changes: dict, actor: User) -> Book:
    """A new category is a new key: delete the old item and put the new one, in one
    transaction, with the audit entry under both subjects."""
    now = utcnow()
    moved = Book(
        **{
            **book.attribute_values,
            "category": category,
            "updated_at": now,
            **{field: new for field, (_, new) in changes.items()},
        }
    )
    changes = {**changes, "category": [book.category, category]}
    try:
        with transaction() as tx:
            tx.delete(
                book,
                condition=(Book.updated_at == book.updated_at)
                & (Book.stock_quantity == book.stock_quantity),
                name="old",
            )
            tx.save(moved, condition=Book.category.does_not_exist(), name="moved")
            tx.save(_audit(book, "book.move", actor, now, changes=changes))
            tx.save(_audit(moved, "book.move", actor, now, changes=changes))
    except TransactWriteError as error:
        failed = failed_actions(error)
        if "moved" in failed:
            raise BookExists(
                f"{category} already has a book with the id {book.book_id}."
            ) from error
        if failed:
            raise BookChanged() from error
        raise
    return moved


def book_visibility_set(*, book: Book, hidden: bool, actor: User) -> bool:
    """Hide a book from the store (it keeps every attribute) or show it again.
    Returns False when it already was as asked."""
    unreadable = "hidden" in book.unreadable
    if bool(book.hidden) == hidden and not unreadable:
        return False
    now = utcnow()
    was_visible = Book.hidden.does_not_exist() | (Book.hidden == False)  # noqa: E712
    condition = was_visible if hidden else (Book.hidden == True)  # noqa: E712
    if unreadable:
        condition = ~Book.hidden.is_type()
    try:
        with transaction() as tx:
            tx.update(
                book,
                actions=[Book.hidden.set(hidden), Book.updated_at.set(now)],
                condition=Book.category.exists() & condition,
                name="book",
            )
            tx.save(
                _audit(
                    book,
                    "book.hide" if hidden else "book.unhide",
                    actor,
                    now,
                    changes={"hidden": [bool(book.hidden), hidden]},
                )
            )
    except TransactWriteError as error:
        if failed_actions(error):
            return False
        raise
    book.hidden, book.updated_at = hidden, now
    book.unreadable = tuple(f for f in book.unreadable if f != "hidden")
    return True


def book_cover_set(*, book: Book, upload: UploadedFile, actor: User) -> Book:
    """Check the upload (InvalidCover if it is not a usable image: then nothing is
    stored), store it in S3 under a content-addressed key and point the book at it."""
    content = cover_image_prepare(upload)
    key = cover_key(book.book_id, content)
    cover_store(key, content)
    now = utcnow()
    try:
        with transaction() as tx:
            tx.update(
                book,
                actions=[Book.image_key.set(key), Book.updated_at.set(now)],
                condition=Book.category.exists(),
                name="book",
            )
            tx.save(
                _audit(
                    book, "book.cover", actor, now, changes={"image_key": [book.image_key, key]}
                )
            )
    except TransactWriteError as error:
        if "book" in failed_actions(error):
            raise BookMoved() from error
        raise
    book.image_key, book.updated_at = key, now
    return book
