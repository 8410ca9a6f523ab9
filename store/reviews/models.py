"""Reviews (their own table, with a stream) and what the book-ratings projection keeps
from them in the projections table: each book's rating summary with its newest reviews,
and a ledger item per review saying what it counts for now."""

from django.conf import settings
from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from cloudshelf.dynamo import IntegerAttribute, table_meta

RATING_SUMMARY_PK = "rating-summary"
RATING_LEDGER_PK = "rating-ledger"
REPORT_OPEN = "open"
REPORT_HIDDEN = "hidden"  # hidden by staff: listed for them, with its unhide button


class ReportedIndex(GlobalSecondaryIndex):
    """Sparse: only reviews with an open report (``open``) or hidden by staff (``hidden``)
    carry ``report_state``."""

    class Meta:
        index_name = "ReportedIndex"
        projection = AllProjection()

    report_state = UnicodeAttribute(hash_key=True)
    reported_at = UnicodeAttribute(range_key=True)


class NewestIndex(GlobalSecondaryIndex):
    """A book's reviews by the time they were posted, for the book page's pages."""

    class Meta:
        index_name = "NewestIndex"
        projection = AllProjection()

    book_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class Review(Model):
    """One shopper's review of one book: the key is the book and the user, so a shopper
    has at most one review per book."""

    Meta = table_meta(settings.REVIEWS_TABLE_NAME)

    book_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    category = UnicodeAttribute()
    rating = IntegerAttribute()
    title = UnicodeAttribute()
    text = UnicodeAttribute()
    author_name = UnicodeAttribute(default="")
    verified = BooleanAttribute(default=True)
    created_at = UnicodeAttribute()  # "2025-09-05T10:00:00.123456Z": sorts by time
    updated_at = UnicodeAttribute()
    hidden = BooleanAttribute(default=False)
    hidden_reason = UnicodeAttribute(null=True)
    report_state = UnicodeAttribute(null=True)
    reported_at = UnicodeAttribute(null=True)
    report_count = IntegerAttribute(default=0)
    reported_by = ListAttribute(default=list)  # user ids, so one shopper reports once

    reported_index = ReportedIndex()
    newest_index = NewestIndex()


class ReviewEntry(MapAttribute):
    """A review as the book page shows it, copied into the rating summary."""

    user_id = UnicodeAttribute()
    author_name = UnicodeAttribute(default="")
    rating = IntegerAttribute()
    title = UnicodeAttribute()
    text = UnicodeAttribute()
    verified = BooleanAttribute(default=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class RatingSummary(Model):
    """A book's figures (``sk`` is the book id): visible reviews, the sum of their ratings,
    how many of each star, and the newest reviews. Written only by the projection, in one
    transaction with the review's ledger item, conditioned on ``version``."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=RATING_SUMMARY_PK)
    sk = UnicodeAttribute(range_key=True)
    count = IntegerAttribute(default=0)
    total = IntegerAttribute(default=0)
    stars = MapAttribute(default=dict)  # "1".."5" -> reviews
    newest = ListAttribute(of=ReviewEntry, default=list)
    version = IntegerAttribute(default=0)


class RatingLedger(Model):
    """What one review counts for now (``sk`` is ``book_id#user_id``): its rating, or no
    item when it counts for nothing (deleted or hidden)."""

    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=RATING_LEDGER_PK)
    sk = UnicodeAttribute(range_key=True)
    rating = IntegerAttribute()
    version = IntegerAttribute(default=0)
