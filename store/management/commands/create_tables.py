"""Create every DynamoDB table with its indexes and TTL, and wait until they are active.

Idempotent: a second run changes nothing and says so. Works the same against AWS and the
local emulator (the endpoint comes from settings)."""

from django.core.management.base import BaseCommand

from cloudshelf.tables import covers_bucket_ensure, tables_create


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-bucket",
            action="store_true",
            help="also create the covers bucket if it is missing",
        )

    def handle(self, *args, **options):
        for table_name, outcome in tables_create():
            style = self.style.SUCCESS if outcome != "already up to date" else self.style.NOTICE
            self.stdout.write(style(f"{table_name}: {outcome}"))
        if options["with_bucket"]:
            created = covers_bucket_ensure()
            self.stdout.write(f"covers bucket: {'created' if created else 'already exists'}")
