"""Rebuild the search index from the books table: index every book whose entries are
missing or stale, remove books that are gone or hidden, delete entries no book owns.

Idempotent: a second run writes nothing and says so. Scans the books and search tables,
which is fine in a command and never happens on a shopper's request. Run it after creating
the search table on an existing store, or after changing how entries are made."""

from django.core.management.base import BaseCommand

from store.search.services import search_index_rebuild


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )

    def handle(self, *args, **options):
        report = search_index_rebuild(dry_run=options["dry_run"])
        verb = "would index" if options["dry_run"] else "indexed"
        removed = "would remove" if options["dry_run"] else "removed"
        changes = report.indexed + report.removed + report.orphans
        style = self.style.SUCCESS if changes else self.style.NOTICE
        self.stdout.write(
            style(
                f"{verb} {report.indexed} books; {removed} {report.removed} books and "
                f"{report.orphans} orphan entries; {report.unchanged} books unchanged"
            )
        )
