"""Load the seed document's three books and the sample catalog (about 240 books in eight
categories), each with a generated cover stored through the project's storage.

Idempotent: books already stored as given are left alone."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cloudshelf.tables import covers_bucket_exists
from store.catalog.seed import catalog_seed


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be written, write nothing"
        )

    def handle(self, *args, **options):
        # The embedded emulator makes its bucket itself; anywhere else it must exist.
        if not options["dry_run"] and not settings.LOCALAWS and not covers_bucket_exists():
            raise CommandError(
                f"The covers bucket “{settings.COVERS_BUCKET_NAME}” does not exist at "
                f"{settings.S3_ENDPOINT_URL or 'AWS'}. Create it with "
                "`manage.py create_tables --with-bucket` (or set COVERS_BUCKET_NAME to "
                "a bucket that exists), then run seed_catalog again."
            )
        written, unchanged = catalog_seed(dry_run=options["dry_run"])
        verb = "would write" if options["dry_run"] else "wrote"
        self.stdout.write(self.style.SUCCESS(f"{verb} {written} books; {unchanged} unchanged"))
