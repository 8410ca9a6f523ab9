"""Load the seed document's three books and the sample catalog (about 240 books in eight
categories), each with a generated cover stored through the project's storage.

Idempotent: books already stored as given are left alone."""

from django.core.management.base import BaseCommand

from store.catalog.seed import catalog_seed


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be written, write nothing"
        )

    def handle(self, *args, **options):
        written, unchanged = catalog_seed(dry_run=options["dry_run"])
        verb = "would write" if options["dry_run"] else "wrote"
        self.stdout.write(self.style.SUCCESS(f"{verb} {written} books; {unchanged} unchanged"))
