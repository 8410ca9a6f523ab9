"""Keeping the search index in step with the books table.

Contract for every code path that changes a book (staff edits, imports, seeding):

* after a book is saved (created, edited, shown again, moved), call
  ``search_index_book(book=book)`` with the book as saved;
* after a book is deleted, or before its key changes (a new category or book_id is a new
  item), call ``search_unindex_book(book=old_book)``; only its ``category`` and ``book_id``
  are read;
* for many books at once (an import), ``search_index_books(books=[...])`` does the same
  with batch reads and writes.

A hidden book (``Book.hidden``) is removed from the index by ``search_index_book``, so a
caller never needs to choose: saving a book and calling ``search_index_book`` is always
right. The calls are idempotent and cheap when nothing searchable changed (one consistent
GetItem): price and stock are not in the index (results are read from the books table), so
a price or stock change needs no call at all. A book edited twice at once by two requests
ends with the index of the last completed call (the manifest is versioned; a conflict is
retried). If a call fails midway, the next call for the book, or
``manage.py reindex_search``, repairs the index: nothing is left that a manifest does not
list.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from pynamodb.exceptions import DeleteError, PutError

from cloudshelf.dynamo_errors import is_conditional_failure
from store.catalog.models import RESERVED_CATEGORY_PREFIX, Book
from store.search.models import (
    EXACT_PREFIX,
    MANIFEST_PREFIX,
    MANIFEST_RANK_KEY,
    EntryKey,
    SearchEntry,
    SearchManifest,
)
from store.search.text import MAX_WORDS_PER_BOOK, folded_phrase, prefixes, unique, words

# Part of every fingerprint: raise it when the way entries are made changes, and
# ``manage.py reindex_search`` rewrites every book.
INDEX_VERSION = "1"
# DynamoDB bounds key sizes (2,048 bytes hash, 1,024 range): titles are cut in keys.
TITLE_IN_RANK_KEY = 80
TITLE_IN_EXACT_TOKEN = 300
MAX_ATTEMPTS = 3

RANK_TITLE_START, RANK_TITLE, RANK_AUTHOR = "0", "1", "2"


class BookKey(Protocol):
    """What unindexing reads of a book: its key (a Book, or a manifest of one gone)."""

    @property
    def category(self) -> str: ...

    @property
    def book_id(self) -> str: ...


class SearchIndexConflict(Exception):
    """The same book's index was changed concurrently MAX_ATTEMPTS times in a row."""


def book_ref(category: str, book_id: str) -> str:
    """A short, stable reference to a book, used inside index keys."""
    raw = json.dumps([category, book_id]).encode()
    return hashlib.blake2b(raw, digest_size=10).hexdigest()


def manifest_token(category: str, book_id: str) -> str:
    return MANIFEST_PREFIX + book_ref(category, book_id)


def is_searchable(book: Book) -> bool:
    return book.listed and not book.category.startswith(RESERVED_CATEGORY_PREFIX)


def search_entries_for(book: Book) -> list[SearchEntry]:
    """The index entries that make ``book`` findable; none for a hidden book."""
    if not is_searchable(book):
        return []
    title_words, author_words = words(book.title), words(book.author)
    all_words = unique(title_words + author_words)[:MAX_WORDS_PER_BOOK]
    title = folded_phrase(book.title)
    ref = book_ref(book.category, book.book_id)
    indexed = set(all_words)
    ranks: dict[str, str] = {}
    for position, word in enumerate(unique(title_words)):
        rank = RANK_TITLE_START if position == 0 else RANK_TITLE
        for token in prefixes(word) if word in indexed else ():
            ranks[token] = min(ranks.get(token, RANK_AUTHOR), rank)
    for word in author_words:
        for token in prefixes(word) if word in indexed else ():
            ranks.setdefault(token, RANK_AUTHOR)
    # Any: the keys are attribute names, which mypy cannot match to the model's keywords.
    fields: dict[str, Any] = {
        "category": book.category,
        "book_id": book.book_id,
        "words": " ".join(all_words),
        "title": title[:TITLE_IN_EXACT_TOKEN],
    }
    sort_title = title[:TITLE_IN_RANK_KEY]
    entries = [
        SearchEntry(token, f"{rank}{sort_title}\t{ref}", **fields) for token, rank in ranks.items()
    ]
    if title:
        entries.append(SearchEntry(EXACT_PREFIX + title[:TITLE_IN_EXACT_TOKEN], ref, **fields))
    return entries


def _fingerprint(book: Book) -> str:
    return hashlib.sha256(
        json.dumps([INDEX_VERSION, book.category, book.book_id, book.title, book.author]).encode()
    ).hexdigest()


@dataclass
class _Plan:
    book: BookKey
    manifest: SearchManifest | None
    entries: list[SearchEntry]
    fingerprint: str | None

    @property
    def up_to_date(self) -> bool:
        if self.manifest is None:
            return not self.entries
        return bool(self.entries) and self.manifest.fingerprint == self.fingerprint

    @property
    def new_keys(self) -> set[tuple[str, str]]:
        return {entry.key for entry in self.entries}

    @property
    def stale_keys(self) -> set[tuple[str, str]]:
        old = self.manifest.entry_keys if self.manifest else set()
        return old - self.new_keys


def _plan(book: Book, manifest: SearchManifest | None) -> _Plan:
    entries = search_entries_for(book)
    return _Plan(book, manifest, entries, _fingerprint(book) if entries else None)


def _manifest_get(category: str, book_id: str) -> SearchManifest | None:
    try:
        return SearchManifest.get(
            manifest_token(category, book_id), MANIFEST_RANK_KEY, consistent_read=True
        )
    except SearchManifest.DoesNotExist:
        return None


def _entry_keys(keys: Iterable[tuple[str, str]]) -> list[EntryKey]:
    return [EntryKey(token=token, rank_key=rank_key) for token, rank_key in sorted(keys)]


def _new_manifest(book: BookKey) -> SearchManifest:
    return SearchManifest(
        manifest_token(book.category, book.book_id),
        MANIFEST_RANK_KEY,
        category=book.category,
        book_id=book.book_id,
    )


def _apply(plan: _Plan) -> None:
    """Bring one book's entries to the plan: the manifest first lists old and new entries
    (so a failure leaves nothing unlisted), then the entries are written and the stale ones
    deleted, then the manifest keeps the new ones only, with the fingerprint."""
    manifest = plan.manifest or _new_manifest(plan.book)
    manifest.entries = _entry_keys(plan.new_keys | plan.stale_keys)
    manifest.fingerprint = None
    manifest.save()
    with SearchEntry.batch_write() as batch:
        for entry in plan.entries:
            batch.save(entry)
        for token, rank_key in plan.stale_keys:
            batch.delete(SearchEntry(token, rank_key))
    if plan.entries:
        manifest.entries = _entry_keys(plan.new_keys)
        manifest.fingerprint = plan.fingerprint
        manifest.save()
    else:
        manifest.delete()


def search_index_book(*, book: Book) -> bool:
    """Make the index match ``book`` as saved (remove it if hidden). Returns True if the
    index changed. Costs one GetItem when nothing searchable changed; otherwise two
    PutItems of the manifest and one BatchWriteItem per 25 entries (a book has about 25)."""
    for _ in range(MAX_ATTEMPTS):
        plan = _plan(book, _manifest_get(book.category, book.book_id))
        if plan.up_to_date:
            return False
        try:
            _apply(plan)
            return True
        except (PutError, DeleteError) as error:
            if not is_conditional_failure(error):
                raise
    raise SearchIndexConflict(f"index of {book.category}/{book.book_id} kept changing")


def search_unindex_book(*, book: BookKey) -> bool:
    """Remove ``book`` (only its ``category`` and ``book_id`` are read) from the index.
    Returns True if it was indexed."""
    for _ in range(MAX_ATTEMPTS):
        manifest = _manifest_get(book.category, book.book_id)
        if manifest is None:
            return False
        try:
            _apply(_Plan(book, manifest, [], None))
            return True
        except (PutError, DeleteError) as error:
            if not is_conditional_failure(error):
                raise
    raise SearchIndexConflict(f"index of {book.category}/{book.book_id} kept changing")


def search_index_books(*, books: Iterable[Book], dry_run: bool = False) -> tuple[int, int]:
    """``search_index_book`` for many books, with batch reads and writes: for seeding,
    imports and rebuilds (not guarded against a concurrent edit of the same book).
    Returns ``(changed, unchanged)``."""
    books = list(books)
    keys = [(manifest_token(b.category, b.book_id), MANIFEST_RANK_KEY) for b in books]
    manifests = {
        (m.category, m.book_id): m for m in SearchManifest.batch_get(keys, consistent_read=True)
    }
    plans = [_plan(b, manifests.get((b.category, b.book_id))) for b in books]
    changed = [plan for plan in plans if not plan.up_to_date]
    if not dry_run:
        _apply_many(changed)
    return len(changed), len(plans) - len(changed)


def _apply_many(plans: list[_Plan]) -> None:
    """``_apply`` for many books, each of its three steps batched across the books."""
    manifests = []
    with SearchManifest.batch_write() as batch:
        for plan in plans:
            manifest = plan.manifest or _new_manifest(plan.book)
            manifest.entries = _entry_keys(plan.new_keys | plan.stale_keys)
            manifest.fingerprint = None
            manifest.version = (manifest.version or 0) + 1
            batch.save(manifest)
            manifests.append(manifest)
    with SearchEntry.batch_write() as batch:
        for plan in plans:
            for entry in plan.entries:
                batch.save(entry)
            for token, rank_key in plan.stale_keys:
                batch.delete(SearchEntry(token, rank_key))
    with SearchManifest.batch_write() as batch:
        for plan, manifest in zip(plans, manifests, strict=False):
            if plan.entries:
                manifest.entries = _entry_keys(plan.new_keys)
                manifest.fingerprint = plan.fingerprint
                manifest.version += 1
                batch.save(manifest)
            else:
                batch.delete(manifest)


@dataclass
class RebuildReport:
    indexed: int = 0  # books whose entries were missing or stale
    removed: int = 0  # books gone from the books table, or hidden, still in the index
    unchanged: int = 0
    orphans: int = 0  # entries that no manifest lists (left by an interrupted write)


def search_index_rebuild(*, dry_run: bool = False) -> RebuildReport:
    """Make the whole index match the books table: index every book whose entries are
    missing or stale, remove books that are gone or hidden, and delete entries that no
    manifest lists. Idempotent. Scans both tables, so it is for ``manage.py
    reindex_search``, never a shopper's request."""
    manifests = {
        (m.category, m.book_id): m
        for m in SearchManifest.scan(SearchManifest.token.startswith(MANIFEST_PREFIX))
    }
    plans = [
        _plan(book, manifests.pop((book.category, book.book_id), None))
        for book in Book.scan()
        if not book.category.startswith(RESERVED_CATEGORY_PREFIX)
    ]
    # Manifests left are of books no longer in the books table.
    plans += [_Plan(m, m, [], None) for m in manifests.values()]
    changed = [plan for plan in plans if not plan.up_to_date]
    listed = set().union(*(plan.new_keys | plan.stale_keys for plan in plans))
    orphans = [
        entry.key
        for entry in SearchEntry.scan(~SearchEntry.token.startswith(MANIFEST_PREFIX))
        if entry.key not in listed
    ]
    report = RebuildReport(
        indexed=sum(1 for plan in changed if plan.entries),
        removed=sum(1 for plan in changed if not plan.entries),
        unchanged=len(plans) - len(changed),
        orphans=len(orphans),
    )
    if not dry_run:
        _apply_many(changed)
        with SearchEntry.batch_write() as batch:
            for token, rank_key in orphans:
                batch.delete(SearchEntry(token, rank_key))
    return report
