"""Reads of reviews and ratings."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core import signing

from cloudshelf.dynamo import connection
from store.orders.models import Order
from store.pagination import decode_page_token, encode_page_token
from store.reviews.models import (
    RATING_SUMMARY_PK,
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
    client = connection().client
    found: dict[str, list[dict]] = {}
    for _attempt in range(5):
        answer = client.batch_get_item(RequestItems=request)
        for table_name, answered in answer.get("Responses", {}).items():
            found.setdefault(table_name, []).extend(answered)
        request = answer.get("UnprocessedKeys") or {}
        if not request:
            break
    items: dict[str, Any] = {}
    for name, model, key in wanted:
        for item in found.get(model.Meta.table_name, []):
            if all(item.get(attr, {}).get("S") == value for attr, value in key.items()):
                items[name] = model.from_raw_data(item)
    result = BookPageReviews(rating=Rating.of(items.pop("rating", None)))
    result.mine = items.pop("mine", None)
    result.extra = items
    return result


def review_page(*, book_id: str, token: str | None) -> tuple[list[Review], str | None]:
    """One page of a book's visible reviews (one Query) and the next page's token."""
    scope = f"reviews:{book_id}"
    start = decode_page_token(token, scope=scope)
    query = Review.query(
        book_id,
        filter_condition=Review.hidden == False,  # noqa: E712  (a DynamoDB condition)
        limit=settings.REVIEWS_PAGE_SIZE,
        last_evaluated_key=start,
    )
    reviews = list(query)
    return reviews, encode_page_token(query.last_evaluated_key, scope=scope)


def reviews_reported_list() -> list[Review]:
    """Reviews with an open report, oldest report first (one Query of a sparse index)."""
    return list(Review.reported_index.query(REPORT_OPEN, limit=100))


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
    *, book: Any, user: Any, extra_keys: dict[str, tuple[Any, dict]] | None = None
) -> dict[str, Any]:
    """The book page's reviews, rating and back-in-stock state, in ONE request besides the
    book itself (a GetItem for a visitor, a BatchGetItem for a signed-in shopper).
    ``extra_keys`` adds other pages' items to that request; they come back in ``extra``."""
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
    return {
        "rating": page.rating,
        "mine": page.mine,
        "sold_out": sold_out,
        "stock_alert": page.extra.get("alert"),
        "stock_alert_form": StockAlertForm() if sold_out else None,
        "wished": page.extra.get("wished"),
        "extra": page.extra,
    }
