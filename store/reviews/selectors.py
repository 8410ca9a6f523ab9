"""Reads of reviews and ratings."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice
from typing import Any

from django.conf import settings
from django.core import signing

from cloudshelf.dynamo import batch_get_raw
from store.orders.models import Order
from store.pagination import InvalidPageToken, decode_page_token, encode_page_token
from store.reviews.models import (
    RATING_SUMMARY_PK,
    REPORT_HIDDEN,
    REPORT_OPEN,
    RatingSummary,
    Review,
    ReviewEntry,
)

REVIEW_REF_SALT = "cloudshelf.review-ref"
# The order states that make a shopper a buyer of the books in the order.
BOUGHT_STATUSES = ("confirmed", "paid", "shipped", "delivered")


@dataclass
class Rating:
    """A book's figures as the pages show them."""

    count: int = 0
    total: int = 0
    stars: dict[int, int] = field(default_factory=dict)
    newest: list[ReviewEntry] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(self.total) / Decimal(self.count)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def distribution(self) -> list[tuple[int, int, int]]:
        """``[(stars, reviews, percent)]`` from 5 stars down to 1."""
        return [
            (n, self.stars.get(n, 0), round(100 * self.stars.get(n, 0) / self.count))
            if self.count
            else (n, 0, 0)
            for n in range(5, 0, -1)
        ]

    @classmethod
    def of(cls, summary: RatingSummary | None) -> "Rating":
        if summary is None:
            return cls()
        return cls(
            count=summary.count,
            total=summary.total,
            stars={int(k): int(v) for k, v in summary.stars.as_dict().items()},
            newest=list(summary.newest),
        )


def review_ref(*, book_id: str, user_id: str) -> str:
    """An opaque, signed reference to a review, for report and hide links: no user id is
    shown and none can be guessed."""
    return signing.dumps([book_id, user_id], salt=REVIEW_REF_SALT, compress=True)


def review_ref_read(ref: str) -> tuple[str, str] | None:
    try:
        value = signing.loads(ref, salt=REVIEW_REF_SALT)
    except signing.BadSignature:
        return None
    if not (
        isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)
    ):
        return None
    return value[0], value[1]


def review_get(*, book_id: str, user_id: str) -> Review | None:
    try:
        return Review.get(book_id, user_id, consistent_read=True)
    except Review.DoesNotExist:
        return None


def book_rating_get(*, book_id: str) -> Rating:
    """The book's figures (one GetItem)."""
    try:
        return Rating.of(RatingSummary.get(RATING_SUMMARY_PK, book_id))
    except RatingSummary.DoesNotExist:
        return Rating()


def book_ratings_get(*, book_ids: Iterable[str]) -> dict[str, Rating]:
    """``{book_id: Rating}`` for the books that have reviews, for a page of book cards:
    ONE BatchGetItem of their summaries (up to 100 books; a page holds fewer), reading only
    the figures, not the reviews. Books with no summary are left out."""
    unique = list(dict.fromkeys(book_ids))
    if not unique:
        return {}
    summaries = RatingSummary.batch_get(
        [(RATING_SUMMARY_PK, book_id) for book_id in unique],
        attributes_to_get=["pk", "sk", "count", "total"],
    )
    return {s.sk: Rating(count=s.count, total=s.total) for s in summaries if (s.count or 0) > 0}


@dataclass
class BookPageReviews:
    rating: Rating
    mine: Review | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # other models' items, by name


def book_page_reviews_get(
    *, book_id: str, user_id: str | None, extra_keys: dict[str, tuple[Any, dict]] | None = None
) -> BookPageReviews:
    """What the book page needs besides the book, in ONE request: the rating summary and,
    for a signed-in shopper, their own review; ``extra_keys`` adds other items to the same
    BatchGetItem (``{name: (model, {key attribute: string value})}``). An anonymous
    visitor with no extra keys costs one GetItem."""
    extra_keys = extra_keys or {}
    if user_id is None and not extra_keys:
        return BookPageReviews(rating=book_rating_get(book_id=book_id))
    wanted: list[tuple[str, Any, dict]] = [
        ("rating", RatingSummary, {"pk": RATING_SUMMARY_PK, "sk": book_id})
    ]
    if user_id is not None:
        wanted.append(("mine", Review, {"book_id": book_id, "user_id": user_id}))
    wanted += [(name, model, key) for name, (model, key) in extra_keys.items()]
    request: dict[str, Any] = {}
    for _name, model, key in wanted:
        table = request.setdefault(model.Meta.table_name, {"Keys": [], "ConsistentRead": True})
        table["Keys"].append({attr: {"S": value} for attr, value in key.items()})
    found = batch_get_raw(request)
    items: dict[str, Any] = {}
    for name, model, key in wanted:
        for item in found.get(model.Meta.table_name, []):
            if all(item.get(attr, {}).get("S") == value for attr, value in key.items()):
                items[name] = model.from_raw_data(item)
    result = BookPageReviews(rating=Rating.of(items.pop("rating", None)))
    result.mine = items.pop("mine", None)
    result.extra = items
    return result


OLDER, NEWER = "older", "newer"  # the page's query parameters: "Next page", "Previous"


@dataclass
class ReviewPage:
    """One page of a book's reviews, newest first, with the signed tokens of the pages
    around it (None: no such page)."""

    reviews: list[Any]  # Review, or ReviewEntry on the first page (from the summary)
    older: str | None = None
    newer: str | None = None
    first: bool = True


def _page_scope(book_id: str, direction: str) -> str:
    return f"reviews:{book_id}:{direction}"


def _page_token(book_id: str, review: Any, direction: str) -> str | None:
    """The token of the page before or after ``review`` in the NewestIndex."""
    key = {
        "book_id": {"S": book_id},
        "user_id": {"S": review.user_id},
        "created_at": {"S": review.created_at},
    }
    return encode_page_token(key, scope=_page_scope(book_id, direction))


def review_first_page(*, book_id: str, rating: Rating) -> ReviewPage:
    """The first page, from the rating summary the book page has read anyway (no request):
    its newest reviews, and a "Next page" token when the book has more."""
    size = settings.REVIEWS_ON_BOOK_PAGE
    reviews = rating.newest[:size]
    more = bool(reviews) and rating.count > len(reviews)
    return ReviewPage(
        reviews=reviews, older=_page_token(book_id, reviews[-1], OLDER) if more else None
    )


def review_page(*, book_id: str, older: str | None, newer: str | None) -> ReviewPage | None:
    """The page of visible reviews after (``older``) or before (``newer``) a signed token,
    newest first: usually one Query of the NewestIndex (another when hidden reviews fill a
    read). None when neither token is given (the first page comes from the summary).
    Raises InvalidPageToken for a token we did not sign for this book and direction."""
    direction = OLDER if older else NEWER if newer else None
    if direction is None:
        return None
    start = decode_page_token(older or newer, scope=_page_scope(book_id, direction))
    if not start or start.get("book_id") != {"S": book_id}:
        raise InvalidPageToken()
    size = settings.REVIEWS_ON_BOOK_PAGE
    query = Review.newest_index.query(
        book_id,
        scan_index_forward=direction == NEWER,
        filter_condition=Review.hidden == False,  # noqa: E712  (a DynamoDB condition)
        last_evaluated_key=start,
        page_size=size + 1,
    )
    found = list(islice(query, size + 1))
    more = len(found) > size
    found = found[:size]
    if direction == NEWER:
        found.reverse()  # read oldest first, shown newest first
    if not found:
        return ReviewPage(reviews=[], first=False)
    return ReviewPage(
        reviews=found,
        older=_page_token(book_id, found[-1], OLDER) if more or direction == NEWER else None,
        newer=_page_token(book_id, found[0], NEWER) if more or direction == OLDER else None,
        first=direction == NEWER and not more,
    )


def reviews_reported_list() -> list[Review]:
    """Reviews with an open report, oldest report first (one Query of a sparse index)."""
    return list(Review.reported_index.query(REPORT_OPEN, limit=100))


def reviews_hidden_list() -> list[Review]:
    """Reviews staff hid, latest report (or hide, when none was reported) first: one
    Query of the same sparse index."""
    return list(Review.reported_index.query(REPORT_HIDDEN, scan_index_forward=False, limit=100))


def book_bought_by(*, user_id: str, book_id: str) -> bool:
    """True when one of the user's orders in a bought state holds the book (the user's
    orders are one Query, read consistently: an order placed a moment ago counts)."""
    for order in Order.query(user_id, consistent_read=True):
        if order.status in BOUGHT_STATUSES and any(
            line.book_id == book_id for line in order.items
        ):
            return True
    return False


def book_page_extras(
    *,
    book: Any,
    user: Any,
    query: Any = None,
    extra_keys: dict[str, tuple[Any, dict]] | None = None,
) -> dict[str, Any]:
    """The book page's reviews, rating and back-in-stock state, in ONE request besides the
    book itself (a GetItem for a visitor, a BatchGetItem for a signed-in shopper).
    ``extra_keys`` adds other pages' items to that request; they come back in ``extra``.
    The first page of reviews comes with the rating; a later one (``query`` holds its
    signed ``older`` or ``newer`` token) costs one Query more."""
    from store.alerts.forms import StockAlertForm
    from store.alerts.models import StockAlert, alert_pk
    from store.alerts.services import address_hash

    signed_in = bool(getattr(user, "is_authenticated", False))
    sold_out = (book.stock_quantity or 0) <= 0
    extra: dict[str, tuple[Any, dict]] = dict(extra_keys or {})
    if signed_in and sold_out and user.email:
        key = {"pk": alert_pk(book.book_id), "sk": address_hash(user.email)}
        extra["alert"] = (StockAlert, key)
    if signed_in:
        from store.wishlists.models import WishlistEntry, entry_key

        key = {"user_id": user.user_id, "sk": entry_key("wish", book.category, book.book_id)}
        extra["wished"] = (WishlistEntry, key)
    page = book_page_reviews_get(
        book_id=book.book_id, user_id=user.user_id if signed_in else None, extra_keys=extra
    )
    query = query or {}
    reviews = review_page(
        book_id=book.book_id, older=query.get(OLDER), newer=query.get(NEWER)
    ) or review_first_page(book_id=book.book_id, rating=page.rating)
    return {
        "rating": page.rating,
        "review_page": reviews,
        "mine": page.mine,
        "sold_out": sold_out,
        "stock_alert": page.extra.get("alert"),
        "stock_alert_form": StockAlertForm() if sold_out else None,
        "wished": page.extra.get("wished"),
        "extra": page.extra,
    }
