"""Write the whole catalog (hidden books too) as CSV or JSON lines, in the format
import_books reads: exporting then importing the file changes nothing. One Scan."""

from django.core.management.base import BaseCommand, CommandError

from store.catalog.bookfiles import BookFileError, format_for
from store.catalog.bulk import books_export


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a .csv or .jsonl file (default: stdout)")
        parser.add_argument(
            "--format",
            choices=["csv", "jsonl"],
            help="default: from the file's extension, or csv on stdout",
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            fmt = format_for(path, options["format"]) if path else options["format"] or "csv"
        except BookFileError as error:
            raise CommandError(error.message) from error
        if not path:
            count = books_export(stream=self.stdout, fmt=fmt)
            self.stderr.write(f"exported {count} books")
            return
        with open(path, "w", encoding="utf-8", newline="") as stream:
            count = books_export(stream=stream, fmt=fmt)
        self.stdout.write(self.style.SUCCESS(f"exported {count} books to {path}"))
