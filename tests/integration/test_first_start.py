"""A developer's first start (store/catalog/seed.py, catalog_bootstrap): the sample books
show at once, and the stream is free for what is written next rather than busy delivering
the sample's own records for most of a minute."""

from store.catalog.models import RESERVED_CATEGORY_PREFIX
from store.catalog.seed import catalog_bootstrap
from store.sample_catalog import sample_books
from tests.integration.test_catalog_projections import console_put, found, home_counts


def book_changes(changes):
    return [c for c in changes if not c.keys["category"].startswith(RESERVED_CATEGORY_PREFIX)]


def test_a_first_start_shows_the_sample_at_once_and_delivers_only_what_comes_next(client, streams):
    # One test, not two: a first start draws and stores 240 covers (about 25 s here).
    assert catalog_bootstrap() is True
    assert sum(home_counts(client).values()) == len(sample_books())
    assert found(client, "gatsby") == ["fic-001"]
    streams.deliver()
    assert book_changes(streams.delivered) == []
    console_put("poe-001")
    streams.deliver()
    assert [c.keys["book_id"] for c in book_changes(streams.delivered)] == ["poe-001"]
    assert home_counts(client)["Poetry"] == 1
