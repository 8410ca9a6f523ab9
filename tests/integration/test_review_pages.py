"""Reviews on the book page: newest first, five a page, the first from the rating summary
(the page stays at two requests), the others by signed "Next page" and "Previous" tokens
(one Query more); a tampered token is a 400."""

import re

import pytest
from django.urls import reverse

from store.reviews.models import Review

TITLE = re.compile(r'<h4 class="review__title">.*?</span>\s+(Review \d+)</h4>', re.S)
NEXT = re.compile(r'href="\?older=([^"#]+)#reviews" rel="next"')
PREVIOUS = re.compile(r'href="\?newer=([^"#]+)#reviews" rel="prev"')


@pytest.fixture
def book(make_book):
    return make_book(title="Much Reviewed")


@pytest.fixture
def twelve(book, streams):
    """Reviews 1 (oldest) to 12 (newest) of the book."""
    for n in range(1, 13):
        at = f"2026-01-01T10:00:{n:02d}.000000Z"
        Review(
            book_id=book.book_id,
            user_id=f"user-{13 - n:02d}",  # user ids sort against time: order is by time
            category=book.category,
            rating=n % 5 + 1,
            title=f"Review {n}",
            text="x",
            created_at=at,
            updated_at=at,
        ).save()
    streams.deliver()
    return book


def page_url(book):
    return reverse("store:book-detail", args=[book.category, book.book_id])


def titles(html):
    return TITLE.findall(html)


def follow(client, book, pattern, html, param):
    [token] = pattern.findall(html)
    response = client.get(page_url(book), {param: token.replace("%3A", ":")})
    assert response.status_code == 200
    return response.content.decode()


def test_book_page_shows_the_five_newest_reviews_newest_first(client, twelve):
    html = client.get(page_url(twelve)).content.decode()
    assert titles(html) == [f"Review {n}" for n in (12, 11, 10, 9, 8)]
    assert NEXT.search(html) and not PREVIOUS.search(html)


def test_next_pages_then_previous_pages_walk_all_reviews(client, twelve):
    first = client.get(page_url(twelve)).content.decode()
    second = follow(client, twelve, NEXT, first, "older")
    assert titles(second) == [f"Review {n}" for n in (7, 6, 5, 4, 3)]
    third = follow(client, twelve, NEXT, second, "older")
    assert titles(third) == ["Review 2", "Review 1"]
    assert not NEXT.search(third)
    back = follow(client, twelve, PREVIOUS, third, "newer")
    assert titles(back) == titles(second)
    newest = follow(client, twelve, PREVIOUS, back, "newer")
    assert titles(newest) == titles(first)
    assert not PREVIOUS.search(newest)


def test_hidden_reviews_are_skipped_and_pages_stay_full(client, twelve, streams):
    for n in (6, 4):
        Review(book_id=twelve.book_id, user_id=f"user-{13 - n:02d}").update(
            actions=[Review.hidden.set(True)]
        )
    streams.deliver()
    first = client.get(page_url(twelve)).content.decode()
    second = follow(client, twelve, NEXT, first, "older")
    assert titles(second) == [f"Review {n}" for n in (7, 5, 3, 2, 1)]
    assert not NEXT.search(second)


def test_a_book_with_five_reviews_has_no_next_page(client, book, streams):
    for n in range(1, 6):
        at = f"2026-01-01T10:00:{n:02d}.000000Z"
        Review(
            book_id=book.book_id,
            user_id=f"u{n}",
            category=book.category,
            rating=3,
            title=f"Review {n}",
            text="x",
            created_at=at,
            updated_at=at,
        ).save()
    streams.deliver()
    html = client.get(page_url(book)).content.decode()
    assert len(titles(html)) == 5 and 'rel="next"' not in html


@pytest.mark.parametrize("param", ["older", "newer"])
@pytest.mark.parametrize("token", ["garbage", "", "x" * 3000])
def test_tampered_page_token_is_a_400(client, twelve, param, token):
    first = client.get(page_url(twelve)).content.decode()
    [good] = NEXT.findall(first)
    bad = token or good.replace("%3A", ":")[:-3] + "abc"
    response = client.get(page_url(twelve), {param: bad})
    assert response.status_code == 400
    assert "This page link is not valid." in response.content.decode()


def test_token_of_another_book_or_direction_is_a_400(client, twelve, make_book):
    other = make_book(title="Other")
    [token] = NEXT.findall(client.get(page_url(twelve)).content.decode())
    token = token.replace("%3A", ":")
    assert client.get(page_url(other), {"older": token}).status_code == 400
    assert client.get(page_url(twelve), {"newer": token}).status_code == 400


def test_first_page_costs_two_requests_and_a_later_page_one_query_more(
    client, twelve, dynamodb_requests
):
    html = client.get(page_url(twelve)).content.decode()
    assert dict(dynamodb_requests) == {"GetItem": 1, "BatchGetItem": 1}  # the book, the rest
    [token] = NEXT.findall(html)
    dynamodb_requests.clear()
    client.get(page_url(twelve), {"older": token.replace("%3A", ":")})
    assert dict(dynamodb_requests) == {"GetItem": 1, "BatchGetItem": 1, "Query": 1}


def test_all_reviews_page_pages_the_same_way(client, twelve):
    url = reverse("store:review-list", args=[twelve.category, twelve.book_id])
    html = client.get(url).content.decode()
    assert titles(html) == [f"Review {n}" for n in (12, 11, 10, 9, 8)]
    [token] = NEXT.findall(html)
    second = client.get(url, {"older": token.replace("%3A", ":")}).content.decode()
    assert titles(second) == [f"Review {n}" for n in (7, 6, 5, 4, 3)]
