"""The catalog summary (store.catalog.models.CatalogSummary): its full rebuild, and keeping
it right after a staff change without a Scan.

A change that adds or removes a visible book moves its category's count by one, in the same
transaction as the book itself (``count_actions``). A featured book that is edited is
replaced in place; one that leaves the store (hidden, moved) triggers a rebuild, which is
rare: eight books are featured."""

import logging
from collections import Counter

from pynamodb.exceptions import UpdateError

from cloudshelf.dynamo import utcnow
from cloudshelf.dynamo_errors import is_conditional_failure
from store.catalog.models import RESERVED_CATEGORY_PREFIX, Book, CatalogSummary, FeaturedBook
from store.catalog.selectors import catalog_summary_get

log = logging.getLogger(__name__)

FEATURED_COUNT = 8


def catalog_summary_rebuild():
    """Recount the categories and pick the featured books. Reads the whole table, so it
    runs from commands and staff actions, never on a shopper's request."""
    counts, candidates = Counter(), []
    for book in Book.scan():
        if book.category.startswith(RESERVED_CATEGORY_PREFIX) or book.hidden:
            continue
        counts[book.category] += 1
        if book.stock_quantity > 0:
            candidates.append(book)
    # The newest in-stock books, and the seed's own first: a stable, sensible selection.
    candidates.sort(
        key=lambda b: (b.book_id.endswith("-001"), b.updated_at, b.book_id), reverse=True
    )
    summary = CatalogSummary(
        categories=dict(sorted(counts.items())),
        featured=[
            FeaturedBook(
                category=b.category,
                book_id=b.book_id,
                title=b.title,
                author=b.author,
                price=b.price,
                image_key=b.image_key,
            )
            for b in candidates[:FEATURED_COUNT]
        ],
        updated_at=utcnow(),
    )
    summary.save()
    return summary


def summary_ensure():
    """The summary, rebuilt first if it is missing (a fresh table): one GetItem."""
    return catalog_summary_get() or catalog_summary_rebuild()


def count_actions(deltas):
    """Update actions adding ``deltas`` ({category: +1/-1}) to the category counts."""
    return [
        CatalogSummary.categories[category].set((CatalogSummary.categories[category] | 0) + delta)
        for category, delta in deltas.items()
        if delta
    ]


def count_condition():
    return CatalogSummary.categories.exists()


def counts_apply(deltas):
    """Outside a transaction (bulk import): one UpdateItem, or a rebuild if missing."""
    actions = count_actions(deltas)
    if not actions:
        return
    if catalog_summary_get() is None:
        catalog_summary_rebuild()
        return
    CatalogSummary().update(actions=actions, condition=count_condition())
    zero_counts_prune(deltas)


def zero_counts_prune(deltas):
    """A category whose last visible book went leaves the home page's list."""
    for category, delta in deltas.items():
        if delta < 0:
            try:
                CatalogSummary().update(
                    actions=[CatalogSummary.categories[category].remove()],
                    condition=CatalogSummary.categories[category] <= 0,
                )
            except UpdateError as error:
                # Still having books (the condition failing) is the usual case.
                if not is_conditional_failure(error):
                    raise


def featured_refresh(summary, book, *, old_key=None, removed=False):
    """Keep a featured entry true to its book. ``summary`` is the one read before the
    change; nothing is done when the book is not featured."""
    old_key = old_key or (book.category, book.book_id)
    for index, entry in enumerate(summary.featured if summary else []):
        if (entry.category, entry.book_id) != old_key:
            continue
        if removed or old_key != (book.category, book.book_id):
            catalog_summary_rebuild()
            return
        fresh = FeaturedBook(
            category=book.category,
            book_id=book.book_id,
            title=book.title,
            author=book.author,
            price=book.price,
            image_key=book.image_key,
        )
        try:
            summary.update(
                actions=[CatalogSummary.featured[index].set(fresh)],
                condition=CatalogSummary.featured[index].book_id == book.book_id,
            )
        except UpdateError as error:
            if not is_conditional_failure(error):
                raise
            log.info("featured list changed under us; rebuilding the summary")
            catalog_summary_rebuild()
        return
