"""Writes of reviews: post, edit, delete, report, hide and unhide. The figures follow through the
book-ratings projection (projections.py), never from here."""

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from accounts.models import User
from cloudshelf.dynamo import Transaction, transaction_refusals, utcnow
from cloudshelf.dynamo_errors import is_conditional_failure
from cloudshelf.errors import ApplicationError
from store.audit.models import AuditEntry
from store.catalog.models import Book
from store.reviews.models import REPORT_HIDDEN, REPORT_OPEN, Review
from store.reviews.selectors import book_bought_by, review_get


class NotABuyer(ApplicationError):
    message = "Only shoppers who bought this book can review it."
    status_code = 403


class AlreadyReviewed(ApplicationError):
    message = "You have already reviewed this book: edit your review instead."
    status_code = 409


class ReviewMissing(ApplicationError):
    message = "There is no such review."
    status_code = 404


class AlreadyReported(ApplicationError):
    message = "You have already reported this review."
    status_code = 409


class ReviewNotHidden(ApplicationError):
    message = "This review is not hidden."
    status_code = 409


class OwnReview(ApplicationError):
    message = "You cannot report your own review."
    status_code = 400


def review_subject(book_id: str, user_id: str) -> str:
    return f"review#{book_id}#{user_id}"


def _now() -> str:
    return f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%S.%fZ}"


def _author_name(user: User) -> str:
    last = (user.last_name or "")[:1]
    return f"{user.first_name} {last}.".strip() if last else (user.first_name or "A shopper")


def review_create(*, user: User, book: Book, rating: int, title: str, text: str) -> Review:
    """Post the user's review of the book: refused for a shopper who never bought it and
    for a second review (the put is conditioned on there being none)."""
    if not book_bought_by(user_id=user.user_id, book_id=book.book_id):
        raise NotABuyer()
    now = _now()
    review = Review(
        book_id=book.book_id,
        user_id=user.user_id,
        category=book.category,
        rating=rating,
        title=title,
        text=text,
        author_name=_author_name(user),
        verified=True,
        created_at=now,
        updated_at=now,
    )
    try:
        review.save(condition=Review.user_id.does_not_exist())
    except PutError as error:
        if is_conditional_failure(error):
            raise AlreadyReviewed() from error
        raise
    return review


def review_update(*, user: User, book_id: str, rating: int, title: str, text: str) -> Review:
    """Edit the user's own review (it must exist)."""
    review = Review(book_id=book_id, user_id=user.user_id)
    try:
        review.update(
            actions=[
                Review.rating.set(rating),
                Review.title.set(title),
                Review.text.set(text),
                Review.updated_at.set(_now()),
            ],
            condition=Review.user_id.exists(),
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            raise ReviewMissing() from error
        raise
    return review


def review_delete(*, user: User, book_id: str) -> None:
    try:
        Review(book_id=book_id, user_id=user.user_id).delete(condition=Review.user_id.exists())
    except DeleteError as error:
        if is_conditional_failure(error):
            raise ReviewMissing() from error
        raise


def review_report(*, user: User, book_id: str, author_id: str) -> None:
    """Report a review to staff; one report per shopper per review."""
    if author_id == user.user_id:
        raise OwnReview()
    try:
        Review(book_id=book_id, user_id=author_id).update(
            actions=[
                Review.report_state.set(REPORT_OPEN),
                Review.reported_at.set(Review.reported_at | _now()),
                Review.report_count.add(1),
                Review.reported_by.set(Review.reported_by.append([user.user_id])),
            ],
            condition=Review.user_id.exists()
            & (Review.hidden == False)  # noqa: E712  (a DynamoDB condition)
            & ~Review.reported_by.contains(user.user_id),
        )
    except UpdateError as error:
        if not is_conditional_failure(error):
            raise
        review = review_get(book_id=book_id, user_id=author_id)
        if review is None or review.hidden:
            raise ReviewMissing() from error
        raise AlreadyReported() from error


def _review_moderate(
    *,
    actor: User,
    book_id: str,
    author_id: str,
    action: str,
    actions: list,
    condition: Any,
    hidden: bool,
    reason: str | None = None,
) -> None:
    """Update the review as staff (``actions`` under ``condition``) in one transaction
    with its audit entry (``action``, ``hidden`` going from ``not hidden``). Raises
    ReviewMissing for no such review, ``ReviewNotHidden`` when ``condition`` fails on one
    that exists."""
    fields = {"reason": reason} if reason is not None else {}
    entry = AuditEntry.new(
        subject=review_subject(book_id, author_id),
        action=action,
        actor=actor,
        at=utcnow(),
        changes={"hidden": [not hidden, hidden]},
        **fields,
    )

    def write(tx: Transaction) -> None:
        review = Review(book_id=book_id, user_id=author_id)
        tx.update(review, actions=actions, condition=condition, name="review")
        tx.save(entry, name="audit")

    if "review" in transaction_refusals(write):
        if review_get(book_id=book_id, user_id=author_id) is None:
            raise ReviewMissing()
        raise ReviewNotHidden()


def review_hide(*, actor: User, book_id: str, author_id: str, reason: str) -> None:
    """Hide a review (staff): it leaves the figures and the pages; its open report is
    closed and it is listed among the hidden ones (where staff can unhide it). The review
    and its audit entry are one transaction."""
    _review_moderate(
        actor=actor,
        book_id=book_id,
        author_id=author_id,
        action="review.hide",
        reason=reason,
        hidden=True,
        actions=[
            Review.hidden.set(True),
            Review.hidden_reason.set(reason),
            Review.report_state.set(REPORT_HIDDEN),
            Review.reported_at.set(Review.reported_at | _now()),
        ],
        condition=Review.user_id.exists(),
    )


def review_unhide(*, actor: User, book_id: str, author_id: str) -> None:
    """Show a hidden review again (staff): it counts in the figures again (the
    book-ratings projection follows ``hidden``) and leaves the staff list. Refused for a
    review that is not hidden. The review and its audit entry are one transaction."""
    _review_moderate(
        actor=actor,
        book_id=book_id,
        author_id=author_id,
        action="review.unhide",
        hidden=False,
        actions=[
            Review.hidden.set(False),
            Review.hidden_reason.remove(),
            Review.report_state.remove(),
            Review.reported_at.remove(),
        ],
        condition=Review.hidden == True,  # noqa: E712  (a DynamoDB condition)
    )
