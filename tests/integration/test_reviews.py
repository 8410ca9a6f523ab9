"""Reviews and ratings against the emulator: only buyers review, once per book; the
figures follow the reviews through the stream, exactly, under races and redelivery; the
book page stays at two requests."""

import threading
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from benchmarks.requestcount import record_dynamodb_calls
from store.audit.models import AuditEntry
from store.orders.models import OrderLine
from store.reviews import services
from store.reviews.models import RATING_SUMMARY_PK, RatingSummary, Review
from store.reviews.projections import book_ratings_rebuild
from store.reviews.selectors import book_rating_get, review_ref
from tests.conftest import sign_in


@pytest.fixture
def book(make_book):
    return make_book(title="Reviewed Book", stock_quantity=5)


@pytest.fixture
def buy(make_order_record):
    def buy(user, book, status="confirmed"):
        line = OrderLine(
            book_id=book.book_id,
            category=book.category,
            title=book.title,
            price=Decimal("10.00"),
            quantity=1,
        )
        return make_order_record(user_id=user.user_id, items=[line], status=status)

    return buy


def review_form(rating=4, title="Good", text="A good read."):
    return {"rating": rating, "title": title, "text": text}


def post_review(client, book, **fields):
    url = reverse("store:review-create", args=[book.category, book.book_id])
    return client.post(url, review_form(**fields))


def reviews_stored(book):
    return list(Review.query(book.book_id, consistent_read=True))


def test_buyer_review_changes_the_book_page(shopper_client, book, buy, streams):
    buy(shopper_client.user, book)
    response = post_review(shopper_client, book, rating=4, text="Loved <b>it</b>")
    assert response.status_code == 302
    streams.deliver()
    page = shopper_client.get(reverse("store:book-detail", args=[book.category, book.book_id]))
    html = page.content.decode()
    assert "4.0" in html and "1 review" in html
    assert "Verified purchase" in html
    assert "&lt;b&gt;it&lt;/b&gt;" in html and "<b>it</b>" not in html
    assert "Edit your review" in html


@pytest.mark.parametrize(
    "fields,status",
    [
        (dict(text="x" * 100_000), 400),
        (dict(text=""), 400),
        (dict(title=""), 400),
        (dict(rating=0), 400),
        (dict(rating=6), 400),
        (dict(rating="five"), 400),
    ],
)
def test_hostile_review_is_refused_and_nothing_stored(shopper_client, book, buy, fields, status):
    buy(shopper_client.user, book)
    assert post_review(shopper_client, book, **fields).status_code == status
    assert reviews_stored(book) == []


def test_review_of_a_book_never_bought_is_refused(shopper_client, book):
    assert post_review(shopper_client, book).status_code == 403
    assert reviews_stored(book) == []


def test_cancelled_order_does_not_make_a_buyer(shopper_client, book, buy):
    buy(shopper_client.user, book, status="cancelled")
    assert post_review(shopper_client, book).status_code == 403


def test_second_review_is_refused(shopper_client, book, buy):
    buy(shopper_client.user, book)
    assert post_review(shopper_client, book, rating=5).status_code == 302
    assert post_review(shopper_client, book, rating=1).status_code == 409
    [review] = reviews_stored(book)
    assert review.rating == 5


def test_edit_and_delete_follow_in_the_figures(shopper_client, book, buy, streams):
    buy(shopper_client.user, book)
    post_review(shopper_client, book, rating=2)
    streams.deliver()
    edit = reverse("store:review-edit", args=[book.category, book.book_id])
    assert shopper_client.post(edit, review_form(rating=5)).status_code == 302
    streams.deliver()
    assert book_rating_get(book_id=book.book_id).average == Decimal("5.0")
    delete = reverse("store:review-delete", args=[book.category, book.book_id])
    assert shopper_client.post(delete).status_code == 302
    streams.deliver()
    assert book_rating_get(book_id=book.book_id).count == 0


def test_book_page_costs_two_requests_signed_in(shopper_client, book, buy, streams, settings):
    buy(shopper_client.user, book)
    post_review(shopper_client, book)
    streams.deliver()
    with record_dynamodb_calls() as calls:
        shopper_client.get(reverse("store:book-detail", args=[book.category, book.book_id]))
    content = [
        c.operation
        for c in calls
        if c.params.get("TableName")
        not in (settings.SESSIONS_TABLE_NAME, settings.USERS_TABLE_NAME)
    ]
    assert sorted(content) == ["BatchGetItem", "GetItem"]


def _users_with_orders(make_user, buy, book, n):
    users = [make_user() for _ in range(n)]
    for user in users:
        buy(user, book)
    return users


def run_together(functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        barrier.wait()
        try:
            function()
        except Exception as error:  # noqa: BLE001  (the test reports it)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_twenty_concurrent_reviews_give_the_exact_figures(make_user, book, buy, streams):
    users = _users_with_orders(make_user, buy, book, 20)
    ratings = [(i % 5) + 1 for i in range(20)]
    ratings[0] = 2  # 61 / 20 = 3.05, shown as 3.1 (half up)
    errors = run_together(
        [
            lambda u=u, r=r: services.review_create(
                user=u, book=book, rating=r, title="t", text="x"
            )
            for u, r in zip(users, ratings, strict=True)
        ]
    )
    assert errors == []
    streams.deliver()
    rating = book_rating_get(book_id=book.book_id)
    assert (rating.count, rating.total) == (20, sum(ratings))
    assert rating.average == Decimal("3.1")
    assert sum(rating.stars.values()) == 20
    before = RatingSummary.get(RATING_SUMMARY_PK, book.book_id, consistent_read=True)
    streams.redeliver()
    after = RatingSummary.get(RATING_SUMMARY_PK, book.book_id, consistent_read=True)
    assert (after.count, after.total, after.version) == (
        before.count,
        before.total,
        before.version,
    )
    assert book_ratings_rebuild() == 0


def test_edit_while_another_is_posted_keeps_both(make_user, book, buy, streams):
    first, second = _users_with_orders(make_user, buy, book, 2)
    services.review_create(user=first, book=book, rating=1, title="t", text="x")
    streams.deliver()
    errors = run_together(
        [
            lambda: services.review_update(
                user=first, book_id=book.book_id, rating=3, title="t", text="y"
            ),
            lambda: services.review_create(user=second, book=book, rating=5, title="t", text="x"),
        ]
    )
    assert errors == []
    streams.deliver()
    streams.redeliver()
    rating = book_rating_get(book_id=book.book_id)
    assert (rating.count, rating.total, rating.stars) == (2, 8, {3: 1, 5: 1})


def test_staff_hide_takes_the_review_out_and_is_audited(
    shopper_client, staff_client, book, buy, streams
):
    buy(shopper_client.user, book)
    post_review(shopper_client, book, rating=1)
    streams.deliver()
    ref = review_ref(book_id=book.book_id, user_id=shopper_client.user.user_id)
    response = staff_client.post(reverse("staff:review-hide"), {"review": ref, "reason": "spam"})
    assert response.status_code == 302
    streams.deliver()
    assert book_rating_get(book_id=book.book_id).count == 0
    [entry] = AuditEntry.query(f"review#{book.book_id}#{shopper_client.user.user_id}")
    assert (entry.action, entry.reason) == ("review.hide", "spam")


def test_report_lists_the_review_for_staff(make_user, staff_client, book, buy, streams):
    author, reporter = _users_with_orders(make_user, buy, book, 2)
    services.review_create(user=author, book=book, rating=1, title="Rude words", text="x")
    streams.deliver()
    client = sign_in(Client(), reporter)
    url = reverse("store:review-report", args=[book.category, book.book_id])
    ref = review_ref(book_id=book.book_id, user_id=author.user_id)
    assert client.post(url, {"review": ref}).status_code == 302
    assert client.post(url, {"review": ref}).status_code == 409
    assert client.post(url, {"review": "forged"}).status_code == 404
    page = staff_client.get(reverse("staff:reviews-reported"))
    assert "Rude words" in page.content.decode()


def test_shopper_cannot_hide_a_review(shopper_client, book):
    ref = review_ref(book_id=book.book_id, user_id="someone")
    response = shopper_client.post(reverse("staff:review-hide"), {"review": ref, "reason": "x"})
    assert response.status_code == 403


def test_twenty_deliveries_racing_on_one_book_give_the_exact_figures(
    make_user, book, buy, streams, settings
):
    """The records of 20 reviews applied at once, as 20 consumers would (and then all of
    them again): the summary's version condition lets exactly one write win each round."""
    from cloudshelf.streams.local import deliver_pending
    from store.reviews.projections import book_ratings_apply

    users = _users_with_orders(make_user, buy, book, 20)
    streams.deliver()
    for index, user in enumerate(users):
        services.review_create(user=user, book=book, rating=index % 5 + 1, title="t", text="x")
    changes = []
    deliver_pending(collect=changes)  # delivered once in order ...
    RatingSummary(RATING_SUMMARY_PK, book.book_id).delete()
    from store.reviews.models import RATING_LEDGER_PK, RatingLedger

    with RatingLedger.batch_write() as batch:
        for item in RatingLedger.query(RATING_LEDGER_PK):
            batch.delete(item)
    review_changes = [c for c in changes if c.table_name == settings.REVIEWS_TABLE_NAME]
    assert len(review_changes) == 20
    # ... then, from nothing, all at once, twice over
    errors = run_together([lambda c=c: book_ratings_apply(c) for c in review_changes * 2])
    assert errors == []
    rating = book_rating_get(book_id=book.book_id)
    assert (rating.count, rating.total) == (20, 60)
    assert rating.stars == {1: 4, 2: 4, 3: 4, 4: 4, 5: 4}


def test_staff_hide_needs_a_reason_and_a_real_review(staff_client, book):
    ref = review_ref(book_id=book.book_id, user_id="nobody")
    url = reverse("staff:review-hide")
    assert staff_client.post(url, {"review": ref, "reason": ""}).status_code == 400
    assert staff_client.post(url, {"review": "forged", "reason": "spam"}).status_code == 404
    assert staff_client.post(url, {"review": ref, "reason": "spam"}).status_code == 404
    assert list(Review.query(book.book_id)) == []


def test_staff_see_a_hide_form_on_the_book_page(make_user, staff_client, book, buy, streams):
    [author] = _users_with_orders(make_user, buy, book, 1)
    services.review_create(user=author, book=book, rating=3, title="Okay", text="x")
    streams.deliver()
    page = staff_client.get(reverse("store:book-detail", args=[book.category, book.book_id]))
    assert "Hide this review" in page.content.decode()
