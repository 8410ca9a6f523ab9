"""Book files for import and export: CSV (a header row, then one book a row) and JSON
lines (one JSON object a line). Both carry the same columns; an export imports back
unchanged. ``created_at`` and ``updated_at`` are written out and ignored on the way in."""

import csv
import json
from decimal import Decimal

from cloudshelf.errors import ApplicationError

COLUMNS = [
    "category",
    "book_id",
    "title",
    "author",
    "isbn",
    "price",
    "stock_quantity",
    "description",
    "image_url",
    "image_key",
    "hidden",
    "created_at",
    "updated_at",
]
REQUIRED = ["category", "book_id", "title", "author", "isbn", "price", "stock_quantity"]
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


class BookFileError(ApplicationError):
    message = "This file cannot be read as a book file."


def utf8_problem(data):
    """None for UTF-8 bytes, else a message naming the first line that is not."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return (
            f"The file is not UTF-8 text: line {line} holds bytes that are not UTF-8 "
            f"(byte {error.start + 1}). Save it as UTF-8 and import it again."
        )
    return None


def format_for(path, explicit=None):
    """``csv`` or ``jsonl``, from ``explicit`` or the file's extension."""
    if explicit:
        return explicit
    for extension, name in FORMATS.items():
        if str(path).lower().endswith(extension):
            return name
    raise BookFileError(
        f"Cannot tell the format of {path}: name it .csv or .jsonl, or pass --format."
    )


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rows_read(stream, fmt):
    """``(line_number, row)`` for each record: ``row`` is a dict of text, or a message
    saying why that line could not be read."""
    return _csv_rows(stream) if fmt == "csv" else _jsonl_rows(stream)


def _csv_rows(stream):
    # strict: a quote never closed is an error, not a value that swallows the next lines.
    reader = csv.DictReader(stream, strict=True)
    try:
        header = reader.fieldnames or []
    except (csv.Error, UnicodeDecodeError) as error:
        raise BookFileError(f"The header row cannot be read: {error}") from error
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        raise BookFileError(
            "The header row "
            + "; ".join(
                part
                for part in (
                    missing and f"lacks {', '.join(missing)}",
                    unknown and f"has unknown columns {', '.join(unknown)}",
                )
                if part
            )
            + "."
        )
    line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line + 1, f"is a broken line: {_csv_problem(error)}"
            line = reader.line_num
            continue
        except UnicodeDecodeError as error:
            yield line + 1, f"cannot be read: {error}"
            line = reader.line_num
            continue
        start, line = line + 1, reader.line_num
        if None in row:
            yield start, "has more values than the header has columns"
        else:
            yield start, {k: v for k, v in row.items() if v is not None}


def _csv_problem(error):
    if "unexpected end of data" in str(error):
        return 'a quoted value is never closed (a " is missing), so the rest cannot be read'
    if "expected after" in str(error):
        return 'a quote (") inside a value must be doubled ("")'
    return str(error)


def _jsonl_rows(stream):
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text, parse_float=Decimal)
        except ValueError as error:
            yield number, f"is not valid JSON: {error}"
            continue
        if not isinstance(data, dict):
            yield number, "is not a JSON object"
        elif unknown := [k for k in data if k not in COLUMNS]:
            yield number, f"has unknown fields {', '.join(sorted(unknown))}"
        else:
            yield number, {k: _as_text(v) for k, v in data.items()}


def book_record(book):
    """A book as the columns of a file, in typed values."""
    return {
        "category": book.category,
        "book_id": book.book_id,
        "title": book.title,
        "author": book.author,
        "isbn": book.isbn,
        "price": book.price,
        "stock_quantity": book.stock_quantity,
        "description": book.description or "",
        "image_url": book.image_url,
        "image_key": book.image_key,
        "hidden": bool(book.hidden),
        "created_at": _stamp(book.created_at),
        "updated_at": _stamp(book.updated_at),
    }


def _stamp(value):
    """A timestamp column: empty for a console book that has none (or none readable)."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


class _DecimalEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            # A two-place price has an exact shortest float repr: 42.99 stays 42.99.
            return float(o)
        return super().default(o)


def rows_write(stream, fmt, books):
    """Write ``books`` to ``stream``; returns how many."""
    count = 0
    writer = csv.DictWriter(stream, fieldnames=COLUMNS) if fmt == "csv" else None
    if writer:
        writer.writeheader()
    for book in books:
        record = book_record(book)
        if writer:
            writer.writerow(
                {
                    k: "true" if v is True else ("" if v is False else _as_text(v))
                    for k, v in record.items()
                }
            )
        else:
            stream.write(json.dumps(record, cls=_DecimalEncoder, ensure_ascii=False) + "\n")
        count += 1
    return count
