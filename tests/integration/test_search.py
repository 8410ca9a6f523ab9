"""The search page and the index behind it, against the emulator."""

import pytest
from django.core.management import call_command

from store.catalog.models import Book
from store.search.models import SearchEntry, SearchManifest
from store.search.selectors import book_search
from store.search.services import (
    search_entries_for,
    search_index_book,
    search_index_rebuild,
    search_unindex_book,
)


def found(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return [book.title for book in response.context["books"]]


def index_entries():
    return sorted(entry.key for entry in SearchEntry.scan() if not entry.token.startswith("~"))


# --- What a search finds -------------------------------------------------------------------


def test_a_word_of_the_title_finds_the_book(client, indexed_seed_books):
    assert found(client, "gatsby") == ["The Great Gatsby"]


def test_the_start_of_the_authors_name_finds_the_book(client, indexed_seed_books):
    assert found(client, "fitzger") == ["The Great Gatsby"]


def test_the_starts_of_several_words_find_the_book(client, indexed_seed_books):
    assert found(client, "clea co") == ["Clean Code"]


def test_every_word_typed_must_match(client, indexed_seed_books):
    assert found(client, "clean gatsby") == []


@pytest.mark.parametrize("typed", ["MISERABLES", "misérables", "Miserables!", "les mis"])
def test_search_ignores_case_accents_and_punctuation(client, make_indexed_book, typed):
    make_indexed_book(title="Les Misérables", author="Victor Hugo")
    assert found(client, typed) == ["Les Misérables"]


def test_accents_typed_find_plain_letters_too(client, make_indexed_book):
    make_indexed_book(title="Germinal", author="Emile Zola")
    assert found(client, "Émile") == ["Germinal"]


def test_a_word_longer_than_the_indexed_prefixes_must_match_whole(client, make_indexed_book):
    make_indexed_book(title="Observability Engineering")
    make_indexed_book(title="Observabilitarian Essays")
    assert found(client, "observability") == ["Observability Engineering"]


# --- Ranking -------------------------------------------------------------------------------


def test_exact_title_match_is_ranked_first(client, make_indexed_book):
    # Without the exact match, the better-ranked "Clean ..." titles would come first.
    make_indexed_book(title="Clean Code Companion")
    make_indexed_book(title="The Clean Coder")
    make_indexed_book(title="Code Clean")
    assert found(client, "code clean") == ["Code Clean", "Clean Code Companion", "The Clean Coder"]


def test_exact_title_match_ignores_case_and_accents(client, make_indexed_book):
    make_indexed_book(title="Café Anthology of Society")
    make_indexed_book(title="Café Society")
    assert found(client, "CAFE SOCIETY") == ["Café Society", "Café Anthology of Society"]


def test_title_start_then_title_then_author(client, make_indexed_book):
    make_indexed_book(title="Robert's Rules", author="Ada Tester")
    make_indexed_book(title="Working With Robots", author="Ada Tester")
    make_indexed_book(title="Anything Else", author="Robert Smith")
    make_indexed_book(title="Clean Code", author="Robert C. Martin")
    assert found(client, "rob") == [
        "Robert's Rules",
        "Working With Robots",
        "Anything Else",
        "Clean Code",
    ]


# --- The page ------------------------------------------------------------------------------


def test_results_link_to_the_book_pages(client, indexed_seed_books):
    response = client.get("/search/", {"q": "clean"})
    assert 'href="/books/Technology/tech-001/"' in response.content.decode()


def test_search_says_plainly_when_nothing_matched(client, indexed_seed_books):
    response = client.get("/search/", {"q": "zzyzx"})
    assert response.status_code == 200
    assert "No book matched “zzyzx”" in response.content.decode()


def test_one_letter_query_asks_for_two_letters(client, indexed_seed_books):
    response = client.get("/search/", {"q": "f"})
    assert "Type at least two letters" in response.content.decode()


def test_empty_query_explains_the_search_box_and_reads_nothing(client, tables, dynamodb_requests):
    response = client.get("/search/", {"q": "   "})
    assert "Type a word of a book's title" in response.content.decode()
    assert sum(dynamodb_requests.values()) == 0


def test_search_page_renders_no_csrf_token(client, indexed_seed_books):
    response = client.get("/search/", {"q": "clean"})
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies


def test_results_pages_follow_their_tokens_to_every_match(client, make_indexed_book, settings):
    settings.SEARCH_PAGE_SIZE = 4
    titles = {make_indexed_book(title=f"Poem number {n}").title for n in range(10)}
    make_indexed_book(title="Prose")
    seen, params = [], {"q": "poem"}
    for _ in range(6):
        response = client.get("/search/", params)
        seen += [book.title for book in response.context["books"]]
        token = response.context["page"].next_token
        if not token:
            break
        params = {"q": "poem", "page": token}
    assert sorted(seen) == sorted(titles)


def test_next_page_link_keeps_the_query(client, make_indexed_book, settings):
    settings.SEARCH_PAGE_SIZE = 1
    make_indexed_book(title="Poem One")
    make_indexed_book(title="Poem Two")
    response = client.get("/search/", {"q": "poem"})
    assert 'href="/search/?q=poem&amp;page=' in response.content.decode()


@pytest.mark.parametrize("token", ["garbage", "eyJrZXkiOnt9fQ:1u:abc", "A" * 3000])
def test_tampered_page_token_is_400(client, indexed_seed_books, token):
    assert client.get("/search/", {"q": "clean", "page": token}).status_code == 400


def test_token_of_another_query_is_400(client, make_indexed_book, settings):
    settings.SEARCH_PAGE_SIZE = 1
    make_indexed_book(title="Poem One")
    make_indexed_book(title="Poem Two")
    token = client.get("/search/", {"q": "poem"}).context["page"].next_token
    assert client.get("/search/", {"q": "one", "page": token}).status_code == 400


def test_category_page_token_is_refused_by_search(client, make_book, settings):
    settings.CATALOG_PAGE_SIZE = 1
    make_book(category="Poetry")
    make_book(category="Poetry")
    token = client.get("/category/Poetry/").context["next_token"]
    assert client.get("/search/", {"q": "test", "page": token}).status_code == 400


# --- Cost: a bounded, constant number of requests ------------------------------------------


def test_a_search_page_costs_the_same_requests_for_3_or_40_matches(
    client, make_indexed_book, dynamodb_requests
):
    for n in range(3):
        make_indexed_book(title=f"Garden {n}")
    dynamodb_requests.clear()
    client.get("/search/", {"q": "garden"})
    few = dict(dynamodb_requests)
    for n in range(3, 40):
        make_indexed_book(title=f"Garden {n}")
    dynamodb_requests.clear()
    client.get("/search/", {"q": "garden"})
    # the books, then the cards' rating summaries
    assert few == dict(dynamodb_requests) == {"Query": 2, "BatchGetItem": 2}


def test_a_later_results_page_costs_one_query_and_one_batch_read(
    client, make_indexed_book, settings, dynamodb_requests
):
    settings.SEARCH_PAGE_SIZE = 2
    for n in range(5):
        make_indexed_book(title=f"Garden {n}")
    token = client.get("/search/", {"q": "garden"}).context["page"].next_token
    dynamodb_requests.clear()
    client.get("/search/", {"q": "garden", "page": token})
    assert dict(dynamodb_requests) == {"Query": 1, "BatchGetItem": 2}


def test_a_selective_query_reads_a_bounded_number_of_entries(make_indexed_book, dynamodb_requests):
    for n in range(30):
        make_indexed_book(title=f"Garden {n}", author="Ada Tester")
    make_indexed_book(title="Garden Zinnias", author="Ada Tester")
    dynamodb_requests.clear()
    page = book_search(query="garden zin", page_size=24)
    assert [b.title for b in page.books] == ["Garden Zinnias"]
    assert dynamodb_requests["Query"] <= 4


# --- Keeping the index up to date ----------------------------------------------------------


def test_hidden_book_is_not_found(client, make_indexed_book):
    make_indexed_book(title="Secret Garden", hidden=True)
    assert found(client, "secret") == []


def test_hiding_an_indexed_book_removes_it_from_results(client, make_indexed_book):
    book = make_indexed_book(title="Secret Garden")
    book.update(actions=[Book.hidden.set(True)])
    search_index_book(book=book)
    assert found(client, "secret") == []
    assert index_entries() == []


def test_showing_a_hidden_book_again_makes_it_findable(client, make_indexed_book):
    book = make_indexed_book(title="Secret Garden", hidden=True)
    book.update(actions=[Book.hidden.set(False)])
    search_index_book(book=book)
    assert found(client, "secret") == ["Secret Garden"]


def test_a_hidden_book_left_in_the_index_is_still_not_shown(client, make_indexed_book):
    book = make_indexed_book(title="Secret Garden")
    book.update(actions=[Book.hidden.set(True)])  # the index is not told
    assert found(client, "secret") == []


def test_renamed_book_is_found_by_its_new_title_only(client, make_indexed_book):
    book = make_indexed_book(title="Old Name")
    book.update(actions=[Book.title.set("Fresh Title")])
    search_index_book(book=book)
    assert found(client, "fresh") == ["Fresh Title"]
    assert found(client, "old") == []
    assert index_entries() == sorted(entry.key for entry in search_entries_for(book))


def test_new_author_is_found_and_the_old_one_is_not(client, make_indexed_book):
    book = make_indexed_book(title="Dune", author="Frank Herbert")
    book.update(actions=[Book.author.set("Brian Herbert")])
    search_index_book(book=book)
    assert found(client, "brian") == ["Dune"]
    assert found(client, "frank") == []


def test_unindexed_book_disappears_from_results(client, make_indexed_book):
    book = make_indexed_book(title="Dune")
    book.delete()
    assert search_unindex_book(book=book) is True
    assert found(client, "dune") == []
    assert SearchEntry.count() == 0


def test_deleted_book_left_in_the_index_is_not_shown(client, make_indexed_book):
    make_indexed_book(title="Dune").delete()  # the index is not told
    assert found(client, "dune") == []


def test_moved_book_is_found_under_its_new_key(client, make_indexed_book):
    book = make_indexed_book(category="Fiction", book_id="fic-777", title="Dune")
    search_unindex_book(book=book)
    book.delete()
    moved = Book(**{**book.attribute_values, "category": "Science"})
    moved.save()
    search_index_book(book=moved)
    response = client.get("/search/", {"q": "dune"})
    assert [(b.category, b.book_id) for b in response.context["books"]] == [("Science", "fic-777")]


def test_price_and_stock_changes_show_without_reindexing(client, make_indexed_book):
    from decimal import Decimal

    book = make_indexed_book(title="Dune", stock_quantity=5)
    book.update(actions=[Book.price.set(Decimal("9.50")), Book.stock_quantity.set(0)])
    body = client.get("/search/", {"q": "dune"}).content.decode()
    assert "$9.50" in body and "Sold out" in body


def test_indexing_an_unchanged_book_costs_one_read(make_indexed_book, dynamodb_requests):
    book = make_indexed_book(title="Dune")
    dynamodb_requests.clear()
    assert search_index_book(book=book) is False
    assert dict(dynamodb_requests) == {"GetItem": 1}


def test_an_interrupted_index_write_is_repaired_by_the_next_call(make_indexed_book):
    book = make_indexed_book(title="Old Name")
    manifest = SearchManifest.scan().next()
    manifest.fingerprint = None  # as left by a call that failed midway
    manifest.save()
    book.update(actions=[Book.title.set("New Name")])
    assert search_index_book(book=book) is True
    assert index_entries() == sorted(entry.key for entry in search_entries_for(book))


def test_seeding_indexes_the_sample_catalog(client, streams):
    from store.catalog.seed import catalog_seed

    catalog_seed()
    streams.deliver()
    assert found(client, "fitzger") == ["The Great Gatsby"]
    assert found(client, "clea co") == ["Clean Code"]


# --- manage.py reindex_search --------------------------------------------------------------


def test_reindex_indexes_books_written_without_the_service(client, make_book):
    make_book(title="Dune")
    call_command("reindex_search")
    assert found(client, "dune") == ["Dune"]


def test_reindex_removes_books_deleted_without_the_service(client, make_indexed_book):
    make_indexed_book(title="Dune").delete()
    call_command("reindex_search")
    assert SearchEntry.count() == 0


def test_reindex_deletes_entries_no_book_owns(make_indexed_book):
    book = make_indexed_book(title="Dune")
    SearchEntry(
        "dun", "0zzz\torphan", category="X", book_id="y", words="dune", title="dune"
    ).save()
    report = search_index_rebuild()
    assert report.orphans == 1
    assert index_entries() == sorted(entry.key for entry in search_entries_for(book))


def test_reindex_twice_changes_nothing_the_second_time(make_book):
    make_book(title="Dune")
    make_book(title="Emma")
    search_index_rebuild()
    report = search_index_rebuild()
    assert (report.indexed, report.removed, report.orphans, report.unchanged) == (0, 0, 0, 2)


def test_reindex_dry_run_writes_nothing(make_book, capsys):
    make_book(title="Dune")
    call_command("reindex_search", "--dry-run")
    assert "would index 1 books" in capsys.readouterr().out
    assert SearchEntry.count() == 0


def test_first_start_of_a_store_saved_before_search_indexes_its_books(client, seed_books):
    from store.catalog.seed import catalog_bootstrap
    from store.catalog.summary import catalog_summary_rebuild

    catalog_summary_rebuild()
    SearchEntry.delete_table()
    assert catalog_bootstrap() is True
    assert found(client, "gatsby") == ["The Great Gatsby"]
