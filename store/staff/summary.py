"""Keeping store.models.CatalogSummary right after a staff change, without a Scan.

A change that adds or removes a visible book moves its category's count by one, in the same
transaction as the book itself (``count_actions``). A featured book that is edited is
replaced in place; one that leaves the store (hidden, moved) triggers a rebuild, which is
rare: eight books are featured."""

import contextlib
import logging

from pynamodb.exceptions import UpdateError

from store.models import CatalogSummary, FeaturedBook
from store.selectors import catalog_summary_get
from store.services import catalog_summary_rebuild

log = logging.getLogger(__name__)


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
            # Still having books (the condition failing) is the usual case.
            with contextlib.suppress(UpdateError):
                CatalogSummary().update(
                    actions=[CatalogSummary.categories[category].remove()],
                    condition=CatalogSummary.categories[category] <= 0,
                )


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
        except UpdateError:
            log.info("featured list changed under us; rebuilding the summary")
            catalog_summary_rebuild()
        return
