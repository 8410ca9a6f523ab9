"""How text is folded, split and indexed for search (no DynamoDB)."""

import pytest

from cloudshelf.dynamo import utcnow
from store.catalog.models import Book
from store.search.services import search_entries_for
from store.search.text import fold, parse_query, prefixes, words


def book(**fields):
    values = {
        "category": "Fiction",
        "book_id": "fic-001",
        "title": "The Great Gatsby",
        "author": "F. Scott Fitzgerald",
        "isbn": "1",
        "price": 1,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    return Book(**{**values, **fields})


@pytest.mark.parametrize(
    "text,folded",
    [
        ("Émile Zola", "emile zola"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("Søren Kierkegaard", "soren kierkegaard"),
        ("Łódź", "lodz"),
        ("Œuvre", "oeuvre"),
        ("ﬁnance", "finance"),
    ],
)
def test_fold_removes_case_and_accents(text, folded):
    assert fold(text) == folded


def test_words_split_on_punctuation_and_join_apostrophes():
    assert words("O'Brien's Jean-Paul: F. Scott_Fitz") == [
        "obriens",
        "jean",
        "paul",
        "f",
        "scott",
        "fitz",
    ]


def test_prefixes_start_at_two_letters_and_stop_at_ten():
    assert prefixes("a") == []
    assert prefixes("gatsby") == ["ga", "gat", "gats", "gatsb", "gatsby"]
    assert prefixes("observability")[-1] == "observabil"


def test_query_reads_the_partition_of_its_longest_word():
    assert parse_query("clea co").anchor == "clea"


def test_query_prefers_a_real_word_to_a_stop_word():
    assert parse_query("the go").anchor == "go"


def test_query_of_one_letter_words_has_no_partition_to_read():
    assert parse_query("a b").anchor is None


def test_query_words_must_each_start_a_stored_word():
    parsed = parse_query("gat fitz")
    assert parsed.matches(["the", "great", "gatsby", "fitzgerald"])
    assert not parsed.matches(["the", "great", "gatsby"])


def test_query_is_cut_to_a_bounded_number_of_words():
    assert len(parse_query(" ".join(f"w{n}" for n in range(50))).terms) == 8


def test_hidden_book_has_no_entries():
    assert search_entries_for(book(hidden=True)) == []


def test_a_book_is_indexed_by_its_title_and_author_prefixes_and_exact_title():
    tokens = {entry.token for entry in search_entries_for(book())}
    assert {"th", "gr", "gatsby", "sc", "fitzgerald", "=the great gatsby"} <= tokens
    assert "f" not in tokens


def test_entry_keys_stay_within_dynamodb_limits_for_huge_titles():
    entries = search_entries_for(book(title="Ж" * 5000, author="Ω" * 5000, book_id="x" * 500))
    assert entries
    for entry in entries:
        assert len(entry.token.encode()) <= 2048
        assert len(entry.rank_key.encode()) <= 1024


def test_entries_of_a_huge_title_stay_small():
    entries = search_entries_for(book(title=" ".join(["Ж" * 5000] * 100)))
    assert max(len(entry.words) + len(entry.title) for entry in entries) < 5000
