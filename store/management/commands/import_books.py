"""Import books from a CSV or JSON-lines file (the format export_books writes).

Every row is checked like the staff book form; bad rows are reported by line number and
skipped, the good ones are written in batches of 25 (BatchWriteItem). A book with the same
category and id is updated, and only if something differs: running the same file twice
writes nothing the second time. ``--dry-run`` reports what would change."""

import getpass
from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from store.catalog.bookfiles import BookFileError, format_for, rows_read, utf8_problem
from store.catalog.bulk import books_import


def count_records(path, fmt):
    """How many records the file holds (for the progress bar): one quick pass."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as stream:
        if fmt == "csv":
            return max(sum(1 for _ in csv.reader(stream)) - 1, 0)
        return sum(1 for line in stream if line.strip())


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .jsonl file")
        parser.add_argument(
            "--format",
            choices=["csv", "jsonl"],
            help="the file's format (default: from its extension)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report, write nothing"
        )
        parser.add_argument(
            "--by",
            default=f"cli:{getpass.getuser()}",
            help="who is importing, for the audit trail",
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            fmt = format_for(path, options["format"])
            total = count_records(path, fmt)
            actor = SimpleNamespace(user_id=options["by"], email="")
            # tqdm: a rate and time left for a long import, and silent when the output is
            # not a terminal (logs, tests). It already comes with zappa. It writes to the
            # raw stream: Django's OutputWrapper would end each "\r" update with a newline.
            with (
                open(path, encoding="utf-8-sig", newline="") as stream,
                tqdm(
                    total=total, unit="book", file=self.stderr._out, disable=None, leave=False
                ) as bar,
            ):
                report = books_import(
                    rows=rows_read(stream, fmt),
                    actor=actor,
                    source=path,
                    dry_run=options["dry_run"],
                    progress=bar.update,
                )
        except UnicodeDecodeError as error:
            with open(path, "rb") as raw:
                raise CommandError(utf8_problem(raw.read()) or str(error)) from error
        except (BookFileError, OSError) as error:
            raise CommandError(getattr(error, "message", None) or str(error)) from error
        for _, message in report.errors:
            self.stderr.write(self.style.ERROR(message))
        verb = "would add" if report.dry_run else "added"
        summary = (
            f"{report.rows} rows: {verb} {report.created}, "
            f"{'would update' if report.dry_run else 'updated'} {report.updated}, "
            f"{report.unchanged} unchanged, {len(report.errors)} bad"
        )
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(summary))
