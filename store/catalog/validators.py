"""Rules for the values a book may hold, shared by the staff forms and the bulk import."""

import re

from django.core.exceptions import ValidationError

from store.catalog.models import RESERVED_CATEGORY_PREFIX

BOOK_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Categories appear in URLs and in audit subjects ("book#<category>#<id>").
CATEGORY_FORBIDDEN = set("/\\#?%") | {chr(c) for c in range(32)} | {chr(127)}


# Characters that change the direction text is shown in: with them a title can look like
# another one (or hide what it says). U+FFFD stands where broken text was replaced.
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))} | {
    "\u200e",
    "\u200f",
    "\u061c",
}
REPLACEMENT = "\ufffd"


def validate_plain_text(value):
    """Catalog text (a title, an author, a description, a category) must read as shown:
    no bidi control characters, no replacement characters from broken UTF-8."""
    found = sorted(BIDI_CONTROLS & set(value or ""))
    if found:
        names = ", ".join(f"U+{ord(c):04X}" for c in found)
        raise ValidationError(
            f"Remove the invisible text-direction characters ({names}): they can make "
            "text look like something else.",
            code="bidi",
        )
    if REPLACEMENT in (value or ""):
        raise ValidationError(
            "This text holds “\ufffd” (U+FFFD), left where text was damaged by a wrong "
            "encoding: type it again.",
            code="replacement",
        )


def isbn_normalize(value):
    """``978-0-13-235088-4`` -> ``9780132350884``; an ISBN-10 keeps a final ``X``."""
    return re.sub(r"[\s-]", "", value or "").upper()


def isbn_is_valid(isbn):
    """True for a normalized ISBN-10 or ISBN-13 whose check digit is right."""
    if re.fullmatch(r"\d{13}", isbn):
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(isbn))
        return total % 10 == 0
    if re.fullmatch(r"\d{9}[\dX]", isbn):
        digits = [10 if d == "X" else int(d) for d in isbn]
        return sum(d * (10 - i) for i, d in enumerate(digits)) % 11 == 0
    return False


def validate_isbn(value):
    if not isbn_is_valid(isbn_normalize(value)):
        raise ValidationError(
            "Enter a valid ISBN-10 or ISBN-13 (its check digit is wrong "
            "or it has the wrong number of digits).",
            code="isbn",
        )


def validate_category(value):
    validate_plain_text(value)
    if value.startswith(RESERVED_CATEGORY_PREFIX):
        raise ValidationError(
            f"A category cannot start with “{RESERVED_CATEGORY_PREFIX}”.", code="category"
        )
    if CATEGORY_FORBIDDEN & set(value):
        raise ValidationError(
            "A category cannot contain / \\ # ? % or control characters.", code="category"
        )


def validate_book_id(value):
    if not BOOK_ID_RE.match(value):
        raise ValidationError(
            "Use letters, digits, dots, dashes and underscores (up to 64), "
            "starting with a letter or digit, e.g. tech-042.",
            code="book_id",
        )


def validate_cover_key(value):
    if value and (not value.startswith("covers/") or ".." in value or len(value) > 200):
        raise ValidationError("A cover key looks like covers/<name>.jpg.", code="image_key")


def validate_cover_key_belongs(book_id, key):
    """An imported ``image_key`` must be this book's own cover, as named by
    covers.cover_key (``covers/<book_id>-<digest>.jpg``), or empty (no cover yet): a key of
    another book would show that book's cover."""
    if key and not re.fullmatch(rf"covers/{re.escape(book_id)}-[0-9a-f]{{12}}\.jpg", key):
        raise ValidationError(
            f"{key} is not a cover of {book_id} (its covers are named "
            f"covers/{book_id}-….jpg): leave image_key empty and upload the cover on "
            "the book's page.",
            code="image_key",
        )
