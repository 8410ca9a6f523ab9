"""How text becomes searchable words: folded (case, accents and a few special letters
removed) and split into words. Pure functions, shared by the index and the queries, so that
both always fold the same way."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

# A prefix shorter than this is not indexed: one-letter partitions would be hot and useless.
MIN_PREFIX = 2
# Longer prefixes are not indexed; a longer typed word reads the partition of its first
# MAX_PREFIX letters and is then checked against the whole stored words.
MAX_PREFIX = 10
# Bounds on what one book writes and one query considers.
MAX_WORDS_PER_BOOK = 40
MAX_WORD_LENGTH = 40
MAX_QUERY_TERMS = 8
MAX_QUERY_LENGTH = 200

# Words too common to pick as the partition to read when a query has better ones.
STOP_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
)

# Letters that Unicode does not decompose into a base letter and an accent.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
    }
)
# Apostrophes join their word ("O'Brien" is "obrien", "Don't" is "dont").
_APOSTROPHES = re.compile(r"['\u2019\u02bc`\u00b4]")
_WORD = re.compile(r"[^\W_]+")
_T = TypeVar("_T")


def fold(text: str | None) -> str:
    """Lower case without accents: ``fold("Émile Zola") == "emile zola"``."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_SPECIAL_LETTERS))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.casefold()


def words(text: str | None) -> list[str]:
    """The folded words of ``text``, in order: ``words("F. Scott Fitzgerald")`` is
    ``["f", "scott", "fitzgerald"]``. A word is cut at MAX_WORD_LENGTH letters."""
    return [word[:MAX_WORD_LENGTH] for word in _WORD.findall(_APOSTROPHES.sub("", fold(text)))]


def folded_phrase(text: str | None) -> str:
    """The words of ``text`` joined by single spaces: equal for two titles that differ
    only in case, accents, punctuation or spacing."""
    return " ".join(words(text))


def prefixes(word: str) -> list[str]:
    """The indexed prefixes of one folded word."""
    return [word[:length] for length in range(MIN_PREFIX, min(len(word), MAX_PREFIX) + 1)]


def unique(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...]  # folded words typed, each to be matched as the start of a word
    phrase: str  # the whole query folded, compared with folded titles for exact matches
    anchor: str | None  # the index partition to read, or None if no term is long enough

    def matches(self, stored_words: Iterable[str]) -> bool:
        """True when every term starts some word of ``stored_words`` (a list)."""
        return all(any(word.startswith(term) for word in stored_words) for term in self.terms)


def parse_query(query: str | None) -> ParsedQuery:
    """What a shopper typed, ready to search: ``parse_query("clea co")`` reads the partition
    of ``clea`` (the longest term, the likeliest to be rare) and checks ``co`` in memory."""
    typed = words((query or "")[:MAX_QUERY_LENGTH])
    terms = tuple(unique(typed))[:MAX_QUERY_TERMS]
    candidates = [term for term in terms if len(term) >= MIN_PREFIX]
    anchor = None
    if candidates:
        best = max(
            candidates, key=lambda term: (term not in STOP_WORDS, min(len(term), MAX_PREFIX))
        )
        anchor = best[:MAX_PREFIX]
    return ParsedQuery(terms=terms, phrase=" ".join(typed), anchor=anchor)
