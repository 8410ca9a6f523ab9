"""The book-ratings projection (reviews stream, cloudshelf/streams/): each book's rating
summary (count, sum, stars, newest reviews) follows its reviews.

Whatever record arrives for a review, the projection re-reads the review (consistent
GetItem), its ledger item (what it counts for now) and the book's summary, and writes the
difference in ONE transaction: the summary conditioned on its ``version``, the ledger
conditioned on its own. A record seen again, late or out of order finds nothing to change
and writes nothing; two deliveries racing on one book cannot both apply theirs (the loser
reads again). A hidden or deleted review counts for nothing."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from pynamodb.exceptions import TransactWriteError

from cloudshelf.dynamo import transaction
from cloudshelf.dynamo_errors import failed_actions, is_conflict, retry_pause
from cloudshelf.streams.projections import Projection
from cloudshelf.streams.records import Change
from store.reviews.models import (
    RATING_LEDGER_PK,
    RATING_SUMMARY_PK,
    RatingLedger,
    RatingSummary,
    Review,
    ReviewEntry,
)

APPLY_ATTEMPTS = 30  # a busy book: each round, one of the racing writers wins


def _get(model: Any, *keys: str) -> Any:
    try:
        return model.get(*keys, consistent_read=True)
    except model.DoesNotExist:
        return None


def ledger_key(book_id: str, user_id: str) -> str:
    return f"{book_id}#{user_id}"


def review_counts(review: Review | None) -> bool:
    return review is not None and not review.hidden


def review_entry(review: Review) -> ReviewEntry:
    return ReviewEntry(
        user_id=review.user_id,
        author_name=review.author_name,
        rating=review.rating,
        title=review.title,
        text=review.text,
        verified=review.verified,
        created_at=review.created_at,
        updated_at=review.updated_at,
    )


def _entry_tuple(entry: ReviewEntry) -> tuple:
    return (
        entry.user_id,
        entry.author_name,
        entry.rating,
        entry.title,
        entry.text,
        entry.verified,
        entry.created_at,
        entry.updated_at,
    )


def _newest_of(entries: list[ReviewEntry]) -> list[ReviewEntry]:
    entries = sorted(entries, key=lambda e: (e.created_at, e.user_id), reverse=True)
    return entries[: settings.REVIEWS_ON_BOOK_PAGE]


def _newest_from_table(book_id: str) -> list[ReviewEntry]:
    """The book's newest visible reviews, from its reviews (one consistent Query)."""
    return _newest_of(
        [review_entry(r) for r in Review.query(book_id, consistent_read=True) if not r.hidden]
    )


def _newest_wanted(
    summary: RatingSummary | None, review: Review | None, user_id: str
) -> tuple[list[ReviewEntry], list[ReviewEntry]]:
    old = list(summary.newest) if summary else []
    others = [e for e in old if e.user_id != user_id]
    if review_counts(review):
        assert review is not None
        return _newest_of([*others, review_entry(review)]), old
    if len(others) < len(old) and len(old) >= settings.REVIEWS_ON_BOOK_PAGE:
        # a review left a full list: the next in line is only known to the table
        return _newest_from_table(summary.sk if summary else ""), old
    return others, old


def _ratings_write(book_id: str, user_id: str) -> bool:
    """One attempt; False when something moved meanwhile and it must be read again."""
    review = _get(Review, book_id, user_id)
    sk = ledger_key(book_id, user_id)
    ledger = _get(RatingLedger, RATING_LEDGER_PK, sk)
    summary = _get(RatingSummary, RATING_SUMMARY_PK, book_id)
    old_rating = ledger.rating if ledger else None
    new_rating = review.rating if review is not None and review_counts(review) else None
    newest, old_newest = _newest_wanted(summary, review, user_id)
    same_list = [_entry_tuple(e) for e in newest] == [_entry_tuple(e) for e in old_newest]
    if old_rating == new_rating and same_list:
        return True

    count = summary.count if summary else 0
    total = summary.total if summary else 0
    stars = {k: int(v) for k, v in (summary.stars.as_dict() if summary else {}).items()}
    if old_rating is not None:
        count, total = count - 1, total - old_rating
        stars[str(old_rating)] = stars.get(str(old_rating), 0) - 1
    if new_rating is not None:
        count, total = count + 1, total + new_rating
        stars[str(new_rating)] = stars.get(str(new_rating), 0) + 1
    version = summary.version if summary else 0
    item = RatingSummary(
        sk=book_id,
        count=count,
        total=total,
        stars={k: v for k, v in stars.items() if v},
        newest=newest,
        version=version + 1,
    )
    try:
        with transaction() as tx:
            tx.save(
                item,
                condition=(RatingSummary.version == version)
                if summary
                else RatingSummary.sk.does_not_exist(),
                name="summary",
            )
            if old_rating != new_rating:
                ledger_same = (
                    (RatingLedger.version == ledger.version)
                    if ledger
                    else RatingLedger.sk.does_not_exist()
                )
                if new_rating is None:
                    tx.delete(
                        RatingLedger(RATING_LEDGER_PK, sk), condition=ledger_same, name="ledger"
                    )
                else:
                    tx.save(
                        RatingLedger(
                            sk=sk,
                            rating=new_rating,
                            version=(ledger.version if ledger else 0) + 1,
                        ),
                        condition=ledger_same,
                        name="ledger",
                    )
    except TransactWriteError as error:
        if failed_actions(error) or is_conflict(error):
            return False
        raise
    return True


def book_ratings_apply(change: Change) -> None:
    """Bring the book's summary up to date with the review as it is now."""
    book_id, user_id = change.keys["book_id"], change.keys["user_id"]
    for attempt in range(APPLY_ATTEMPTS):
        if _ratings_write(book_id, user_id):
            return
        retry_pause(attempt, low=0.005, high=0.05)
    raise RuntimeError(f"book-ratings: the summary of {book_id} kept changing; try again later")


def book_ratings_rebuild(
    *, dry_run: bool = False, progress: Callable[[int], object] | None = None
) -> int:
    """Recompute every summary and ledger item from the reviews table (one consistent
    Scan); writes those that differ, deletes those no review accounts for. Returns how
    many it wrote or deleted (would, with ``dry_run``); a second run writes none."""
    by_book: dict[str, list[Review]] = {}
    for review in Review.scan(consistent_read=True):
        by_book.setdefault(review.book_id, []).append(review)
        if progress:
            progress(1)
    kept_summaries = {
        s.sk: s for s in RatingSummary.query(RATING_SUMMARY_PK, consistent_read=True)
    }
    kept_ledgers = {
        item.sk: item for item in RatingLedger.query(RATING_LEDGER_PK, consistent_read=True)
    }
    puts: list[Any] = []
    deletes: list[Any] = []
    wanted_ledgers: dict[str, int] = {}
    for book_id, reviews in by_book.items():
        visible = [r for r in reviews if review_counts(r)]
        stars: dict[str, int] = {}
        for r in visible:
            stars[str(r.rating)] = stars.get(str(r.rating), 0) + 1
            wanted_ledgers[ledger_key(book_id, r.user_id)] = r.rating
        newest = _newest_of([review_entry(r) for r in visible])
        kept = kept_summaries.get(book_id)
        figures = (len(visible), sum(r.rating for r in visible), stars)
        kept_stars = {k: int(v) for k, v in kept.stars.as_dict().items()} if kept else {}
        if (
            kept is None
            or (kept.count, kept.total, kept_stars) != figures
            or [_entry_tuple(e) for e in kept.newest] != [_entry_tuple(e) for e in newest]
        ):
            puts.append(
                RatingSummary(
                    sk=book_id,
                    count=figures[0],
                    total=figures[1],
                    stars=stars,
                    newest=newest,
                    version=(kept.version if kept else 0) + 1,
                )
            )
    deletes += [s for sk, s in kept_summaries.items() if sk not in by_book]
    for sk, rating in wanted_ledgers.items():
        kept_ledger = kept_ledgers.get(sk)
        if kept_ledger is None or kept_ledger.rating != rating:
            version = (kept_ledger.version if kept_ledger else 0) + 1
            puts.append(RatingLedger(sk=sk, rating=rating, version=version))
    deletes += [item for sk, item in kept_ledgers.items() if sk not in wanted_ledgers]
    if not dry_run:
        for model in (RatingSummary, RatingLedger):
            with model.batch_write() as batch:
                for item in puts:
                    if isinstance(item, model):
                        batch.save(item)
                for item in deletes:
                    if isinstance(item, model):
                        batch.delete(item)
    return len(puts) + len(deletes)


def book_ratings_wants(change: Change) -> bool:
    """Skips a change that touched nothing the summary shows (a report, say)."""
    return change.event_name != "MODIFY" or change.changed(
        "rating", "title", "text", "hidden", "author_name", "created_at", "updated_at"
    )


book_ratings = Projection(
    name="book-ratings",
    table_setting="REVIEWS_TABLE_NAME",
    apply=book_ratings_apply,
    rebuild=book_ratings_rebuild,
    wants=book_ratings_wants,
    description="each book's rating average, count, stars and newest reviews",
)
