"""Searching the catalog: a bounded number of requests per page, whatever its size.

A page of results costs, on the first page, one Query of the exact-title partition, one to
``MAX_READS`` Queries of the anchor term's partition (``READ_LIMIT`` entries each), and one
BatchGetItem of the books found; later pages skip the exact-title Query. Nothing grows with
the catalog: a partition is read from where the previous page stopped, never whole.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from store.catalog.models import Book
from store.pagination import decode_page_token, encode_page_token
from store.search.models import EXACT_PREFIX, SearchEntry
from store.search.text import MAX_QUERY_LENGTH, ParsedQuery, parse_query

READ_LIMIT = 100  # entries read by one Query of a partition
MAX_READS = 3  # Queries of the partition for one page, at most
EXACT_LIMIT = 10  # books sharing one exact title shown first, at most


@dataclass
class SearchPage:
    query: str
    books: list[Book] = field(default_factory=list)
    next_token: str | None = None
    # True when no term of the query is long enough to search by word (one letter).
    too_short: bool = False


def _start_key(entry: SearchEntry) -> dict[str, Any]:
    return {"token": {"S": entry.token}, "rank_key": {"S": entry.rank_key}}


def _anchor_matches(
    parsed: ParsedQuery, start_key: dict[str, Any] | None, wanted: int
) -> tuple[list[tuple[str, str]], dict[str, Any] | None]:
    """Book keys from the anchor's partition, in rank order, and the key to resume from."""
    found: list[tuple[str, str]] = []
    key = start_key
    for _ in range(MAX_READS):
        results = SearchEntry.query(
            parsed.anchor, limit=READ_LIMIT, page_size=READ_LIMIT, last_evaluated_key=key
        )
        for entry in results:
            # Exact title matches were shown first, on the first page.
            if entry.title == parsed.phrase or not parsed.matches(entry.words.split(" ")):
                continue
            found.append(entry.book_key)
            if len(found) == wanted:
                return found, _start_key(entry)
        key = results.last_evaluated_key
        if not key:
            return found, None
    return found, key


def _books(keys: Iterable[tuple[str, str]]) -> list[Book]:
    """The books, in the order of ``keys``, as the store shows them (hidden ones left out):
    one BatchGetItem, so price and stock are always current."""
    if not keys:
        return []
    stored = {(b.category, b.book_id): b for b in Book.batch_get(list(dict.fromkeys(keys)))}
    books = [stored.get(key) for key in dict.fromkeys(keys)]
    return [book for book in books if book is not None and book.listed]


def book_search(
    *, query: str | None, page_token: str | None = None, page_size: int = 24
) -> SearchPage:
    """One page of the books whose title or author has a word starting with each word of
    ``query`` (case, accents and punctuation ignored), exact title matches first, then
    matches at the start of the title, elsewhere in the title, then by author; each group
    by title. Raises InvalidPageToken for a token not made for this query."""
    query = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    parsed = parse_query(query)
    page = SearchPage(query=query, too_short=bool(parsed.terms) and parsed.anchor is None)
    if not parsed.terms:
        return page
    scope = "search:" + " ".join(parsed.terms)
    start_key = decode_page_token(page_token, scope=scope)
    keys: list[tuple[str, str]] = []
    if start_key is None:
        limit = max(1, min(EXACT_LIMIT, page_size - 1))
        keys = [
            entry.book_key
            for entry in SearchEntry.query(
                EXACT_PREFIX + parsed.phrase, limit=limit, page_size=limit
            )
        ]
    if parsed.anchor:
        found, next_key = _anchor_matches(parsed, start_key, max(1, page_size - len(keys)))
        keys += found
        page.next_token = encode_page_token(next_key, scope=scope)
    page.books = _books(keys)
    return page
