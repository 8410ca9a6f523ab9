"""The search index table (``SEARCH_TABLE_NAME``, default ``cloudshelf-search``).

One table, three kinds of item, all under the keys ``token`` (hash) and ``rank_key`` (range):

* a word entry, per book and per indexed prefix of a word of its title or author
  (``token = "clea"``); its ``rank_key`` sorts a partition by how well the prefix fits
  (start of the title, then elsewhere in the title, then the author) and then by title;
* an exact-title entry, per book (``token = "=clean code"``): the title folded whole;
* a manifest, per book (``token = "~book#<ref>"``, ``rank_key = "~"``): the keys of the
  entries written for the book and a fingerprint of what they were made from, so that a
  change or a removal deletes exactly the stale entries.

Entries carry only what matching and ranking need plus the book's key; what a result card
shows is read from the books table, so price, stock and visibility are never stale.
"""

from django.conf import settings
from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from cloudshelf.dynamo import table_meta

EXACT_PREFIX = "="
MANIFEST_PREFIX = "~book#"
MANIFEST_RANK_KEY = "~"


class SearchEntry(Model):
    Meta = table_meta(settings.SEARCH_TABLE_NAME)

    token = UnicodeAttribute(hash_key=True)
    rank_key = UnicodeAttribute(range_key=True)
    category = UnicodeAttribute()
    book_id = UnicodeAttribute()
    # The folded words of the title and the author, space-separated: a query's other terms
    # are checked against them in memory.
    words = UnicodeAttribute()
    # The folded title: equal to the folded query for an exact title match.
    title = UnicodeAttribute()

    @property
    def key(self) -> tuple[str, str]:
        return (self.token, self.rank_key)

    @property
    def book_key(self) -> tuple[str, str]:
        return (self.category, self.book_id)


class EntryKey(MapAttribute):
    token = UnicodeAttribute()
    rank_key = UnicodeAttribute()


class SearchManifest(Model):
    Meta = table_meta(settings.SEARCH_TABLE_NAME)

    token = UnicodeAttribute(hash_key=True)
    rank_key = UnicodeAttribute(range_key=True, default=MANIFEST_RANK_KEY)
    category = UnicodeAttribute()
    book_id = UnicodeAttribute()
    entries = ListAttribute(of=EntryKey, default=list)
    # None while a change is being applied; set once every entry is written.
    fingerprint = UnicodeAttribute(null=True)
    version = VersionAttribute()

    @property
    def entry_keys(self) -> set[tuple[str, str]]:
        return {(entry.token, entry.rank_key) for entry in self.entries}
