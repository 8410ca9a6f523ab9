"""Staff unhide a hidden review from the reported and hidden reviews list: it counts in
the average again (through the book-ratings projection), the change is audited, and
unhiding what is not hidden, forged or missing is refused."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from store.audit.models import AuditEntry
from store.orders.models import OrderLine
from store.reviews import services
from store.reviews.selectors import book_rating_get, review_get, review_ref
from tests.conftest import sign_in

LIST = reverse("staff:reviews-reported")
UNHIDE = reverse("staff:review-unhide")


@pytest.fixture
def book(make_book):
    return make_book(title="Disputed Book")


@pytest.fixture
def reviews(make_user, make_order_record, book, streams):
    """Two buyers' reviews: 5 stars ("Great") and 1 star ("Awful")."""
    authors = []
    for rating, title in ((5, "Great"), (1, "Awful")):
        user = make_user()
        line = OrderLine(
            book_id=book.book_id,
            category=book.category,
            title=book.title,
            price=Decimal("10.00"),
            quantity=1,
        )
        make_order_record(user_id=user.user_id, items=[line], status="confirmed")
        services.review_create(user=user, book=book, rating=rating, title=title, text="x")
        authors.append(user)
    streams.deliver()
    return authors


def ref_of(book, user):
    return review_ref(book_id=book.book_id, user_id=user.user_id)


def hide(staff_client, book, user, streams):
    data = {"review": ref_of(book, user), "reason": "abusive"}
    assert staff_client.post(reverse("staff:review-hide"), data).status_code == 302
    streams.deliver()


def test_hidden_review_is_listed_with_an_unhide_button(staff_client, book, reviews, streams):
    hide(staff_client, book, reviews[1], streams)
    html = staff_client.get(LIST).content.decode()
    assert "Awful" in html and "hidden: abusive" in html
    assert 'Unhide<span class="visually-hidden"> “Awful”</span>' in html
    assert "Great" not in html


def test_unhide_puts_the_review_back_in_the_average(staff_client, book, reviews, streams):
    hide(staff_client, book, reviews[1], streams)
    assert book_rating_get(book_id=book.book_id).average == Decimal("5.0")
    response = staff_client.post(UNHIDE, {"review": ref_of(book, reviews[1])})
    assert response.status_code == 302 and response["Location"] == LIST
    streams.deliver()
    rating = book_rating_get(book_id=book.book_id)
    assert (rating.count, rating.average) == (2, Decimal("3.0"))
    review = review_get(book_id=book.book_id, user_id=reviews[1].user_id)
    assert not review.hidden and review.hidden_reason is None and review.report_state is None
    assert "No review is hidden." in staff_client.get(LIST).content.decode()


def test_unhide_is_audited(staff_client, book, reviews, streams):
    hide(staff_client, book, reviews[1], streams)
    staff_client.post(UNHIDE, {"review": ref_of(book, reviews[1])})
    entries = AuditEntry.query(f"review#{book.book_id}#{reviews[1].user_id}")
    assert [(e.action, e.actor_id, e.change_map) for e in entries] == [
        ("review.hide", staff_client.user.user_id, {"hidden": [False, True]}),
        ("review.unhide", staff_client.user.user_id, {"hidden": [True, False]}),
    ]


def test_unhiding_a_review_that_is_not_hidden_is_a_409(staff_client, book, reviews):
    response = staff_client.post(UNHIDE, {"review": ref_of(book, reviews[0])})
    assert response.status_code == 409
    assert list(AuditEntry.query(f"review#{book.book_id}#{reviews[0].user_id}")) == []


@pytest.mark.parametrize("review", ["forged", "", "x" * 600])
def test_unhiding_a_forged_reference_is_a_404(staff_client, book, reviews, review):
    assert staff_client.post(UNHIDE, {"review": review}).status_code == 404


def test_unhiding_a_missing_review_is_a_404(staff_client, book):
    ref = review_ref(book_id=book.book_id, user_id="nobody")
    assert staff_client.post(UNHIDE, {"review": ref}).status_code == 404


def test_shopper_cannot_unhide(staff_client, book, reviews, streams):
    hide(staff_client, book, reviews[1], streams)
    shopper = sign_in(Client(), reviews[1])  # even the review's author
    response = shopper.post(UNHIDE, {"review": ref_of(book, reviews[1])})
    assert response.status_code == 403
    assert review_get(book_id=book.book_id, user_id=reviews[1].user_id).hidden


def test_hidden_review_cannot_be_reported_back_into_the_list(staff_client, book, reviews, streams):
    hide(staff_client, book, reviews[1], streams)
    reporter = sign_in(Client(), reviews[0])
    url = reverse("store:review-report", args=[book.category, book.book_id])
    assert reporter.post(url, {"review": ref_of(book, reviews[1])}).status_code == 404
    assert "No review is reported." in staff_client.get(LIST).content.decode()
