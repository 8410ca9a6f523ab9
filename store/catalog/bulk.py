"""Bulk import and export of the catalog.

An import validates every row with the staff book form, reads the stored books 100 at a
time (BatchGetItem), and writes only the books that are new or differ (BatchWriteItem, 25
a request), each with an audit entry: a second run of the same file writes nothing. Bad
rows are reported by line and skipped; the good ones are still imported. The home page's
counts, the search index and the low-stock list follow through the stream."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import IO

from accounts.models import User
from cloudshelf.dynamo import utcnow
from store.audit.models import IMPORT_SUBJECT, AuditEntry, book_subject
from store.catalog.bookfiles import rows_write
from store.catalog.models import RESERVED_CATEGORY_PREFIX, Book
from store.catalog.stock import SCAN_PAGE_SIZE
from store.staff.forms import BookImportForm

CHUNK = 100  # rows per BatchGetItem
COMPARED = (
    "title",
    "author",
    "isbn",
    "price",
    "stock_quantity",
    "description",
    "image_url",
    "image_key",
    "hidden",
)


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)  # [(line, message)]
    dry_run: bool = False

    @property
    def written(self):
        return self.created + self.updated


def _form_errors(form):
    return "; ".join(
        f"{name}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
        for name, errors in form.errors.items()
    )


def _values(book):
    """The compared fields, with the stored forms of "nothing" made equal."""
    values = {f: getattr(book, f) for f in COMPARED}
    values["hidden"] = bool(values["hidden"])
    for name in ("description", "image_url", "image_key"):
        values[name] = values[name] or None
    return values


class _Import:
    def __init__(self, actor, dry_run):
        self.actor, self.now = actor, utcnow()
        self.report = ImportReport(dry_run=dry_run)
        self.seen, self.written = {}, []

    def validate(self, line, row):
        if isinstance(row, str):
            self.report.errors.append((line, f"Line {line} {row}."))
            return None
        form = BookImportForm(data=row)
        if not form.is_valid():
            self.report.errors.append((line, f"Line {line}: {_form_errors(form)}"))
            return None
        data = form.cleaned_data
        key = (data["category"], data["book_id"])
        if key in self.seen:
            self.report.errors.append(
                (
                    line,
                    (
                        f"Line {line}: the same book as line "
                        f"{self.seen[key]}; only the first is used."
                    ),
                )
            )
            return None
        self.seen[key] = line
        # A column left out of the file keeps the stored value.
        data["_given"] = {name for name in ("image_key", "hidden") if name in row}
        return data

    def plan(self, data, old):
        given = data.pop("_given")
        if old is not None:
            for name in {"image_key", "hidden"} - given:
                data[name] = getattr(old, name)
        book = Book(**data, created_at=old.created_at if old else self.now, updated_at=self.now)
        before = _values(old) if old else {}
        after = _values(book)
        if before == after:
            self.report.unchanged += 1
            return None
        setattr(
            self.report,
            "updated" if old else "created",
            getattr(self.report, "updated" if old else "created") + 1,
        )
        changes = {f: [before.get(f), after[f]] for f in COMPARED if before.get(f) != after[f]}
        entry = AuditEntry.new(
            subject=book_subject(book.category, book.book_id),
            action="book.import",
            actor=self.actor,
            at=self.now,
            changes=changes,
            stock_after=book.stock_quantity,
        )
        return book, entry

    def chunk(self, rows):
        valid = [d for d in (self.validate(line, row) for line, row in rows) if d]
        keys = [(d["category"], d["book_id"]) for d in valid]
        stored = {(b.category, b.book_id): b for b in Book.batch_get(keys, consistent_read=True)}
        planned = [
            p
            for p in (self.plan(d, stored.get((d["category"], d["book_id"]))) for d in valid)
            if p
        ]
        if planned and not self.report.dry_run:
            with Book.batch_write() as books, AuditEntry.batch_write() as entries:
                for book, entry in planned:
                    books.save(book)
                    entries.save(entry)
            self.written += [(book.category, book.book_id) for book, _ in planned]

    def finish(self, source):
        if self.report.dry_run or not self.written:
            return
        r = self.report
        AuditEntry.new(
            subject=IMPORT_SUBJECT,
            action="import.run",
            actor=self.actor,
            at=self.now,
            reason=source,
            changes={
                "rows": [None, r.rows],
                "created": [None, r.created],
                "updated": [None, r.updated],
                "errors": [None, len(r.errors)],
            },
        ).save()


def books_import(
    *,
    rows: Iterable,
    actor: User,
    source: str = "",
    dry_run: bool = False,
    progress: Callable[[int], object] | None = None,
) -> ImportReport:
    """Import ``rows`` (``(line, dict-or-message)``, see bookfiles.rows_read). Returns an
    ImportReport; ``progress(n)`` is called after each chunk of ``n`` rows."""
    job, rows = _Import(actor, dry_run), iter(rows)
    while batch := list(islice(rows, CHUNK)):
        job.report.rows += len(batch)
        job.chunk(batch)
        if progress:
            progress(len(batch))
    job.finish(source)
    return job.report


def books_export(*, stream: IO, fmt: str) -> int:
    """Write every book (hidden ones too), ordered by category and id. One Scan."""
    books = sorted(
        (
            b
            for b in Book.scan(page_size=SCAN_PAGE_SIZE)
            if not b.category.startswith(RESERVED_CATEGORY_PREFIX)
        ),
        key=lambda b: (b.category, b.book_id),
    )
    return rows_write(stream, fmt, books)
