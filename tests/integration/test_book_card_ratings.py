"""Book cards on the home, category and search pages show each book's stars and review
count, read for all the cards in ONE BatchGetItem per page."""

import pytest
from django.urls import reverse

from store.catalog import summary
from store.reviews.models import Review

RATED = "Rated 4.5 out of 5, 2 reviews"


def review(book, user_id, rating):
    Review(
        book_id=book.book_id,
        user_id=user_id,
        category=book.category,
        rating=rating,
        title=f"{rating} stars",
        text="A read.",
        created_at=f"2026-01-0{rating}T10:00:00.000000Z",
        updated_at=f"2026-01-0{rating}T10:00:00.000000Z",
    ).save()


@pytest.fixture
def rated_catalog(indexed_seed_books, streams):
    """The seed's books, "Clean Code" with two reviews (4 and 5 stars), the others none."""
    clean_code = next(b for b in indexed_seed_books if b.title == "Clean Code")
    review(clean_code, "u-1", 4)
    review(clean_code, "u-2", 5)
    streams.deliver()
    summary.catalog_summary_rebuild()
    return indexed_seed_books


PAGES = {
    "home": "/",
    "category": reverse("store:category", args=["Technology"]),
    "search": "/search/?q=clean+code",
}


@pytest.mark.parametrize("page", PAGES)
def test_card_shows_the_rating_as_accessible_text(client, rated_catalog, page):
    html = client.get(PAGES[page]).content.decode()
    assert RATED in html
    assert "★★★★★ (2)" in html  # 4.5 rounds to five stars, shown beside the count


def test_card_of_a_book_without_reviews_shows_no_rating(client, rated_catalog):
    html = client.get(reverse("store:category", args=["Fiction"])).content.decode()
    assert "The Great Gatsby" in html
    assert "Rated" not in html and "book-card__rating" not in html


def test_hidden_review_leaves_the_card_figures(client, rated_catalog, streams):
    clean_code = next(b for b in rated_catalog if b.title == "Clean Code")
    Review(book_id=clean_code.book_id, user_id="u-1").update(actions=[Review.hidden.set(True)])
    streams.deliver()
    html = client.get(PAGES["category"]).content.decode()
    assert "Rated 5.0 out of 5, 1 review<" in html


@pytest.mark.parametrize(
    "page,own",
    [("home", {}), ("category", {"Query": 1}), ("search", None)],
)
def test_card_ratings_cost_one_batch_get_per_page(
    client, rated_catalog, dynamodb_requests, page, own
):
    client.get(PAGES[page])
    counts = dict(dynamodb_requests)
    # search reads its books in a BatchGetItem; home its summary and lists in one.
    assert counts.pop("BatchGetItem") == (1 if page == "category" else 2)
    if own is not None:
        assert counts == own


def test_page_with_no_books_reads_no_ratings(client, tables, dynamodb_requests):
    client.get("/search/?q=nothing+matches+this")
    assert "BatchGetItem" not in dynamodb_requests
