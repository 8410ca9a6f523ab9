"""Cover uploads: checked with Pillow before anything is stored in S3."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from store.audit.models import AuditEntry, book_subject
from store.catalog.models import Book


def image_bytes(fmt="PNG", size=(300, 450), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "#264653").save(buffer, format=fmt)
    return buffer.getvalue()


def stored_keys():
    client = default_storage.connection.meta.client
    listing = client.list_objects_v2(Bucket=default_storage.bucket_name)
    return {item["Key"] for item in listing.get("Contents", [])}


def upload(client, book, name, content, content_type="image/png"):
    return client.post(
        reverse("staff:book-cover", args=[book.category, book.book_id]),
        {"cover": SimpleUploadedFile(name, content, content_type)},
    )


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_cover_upload_is_stored_and_shown(staff_client, client, make_book, fmt):
    book = make_book()
    response = upload(staff_client, book, f"cover.{fmt.lower()}", image_bytes(fmt))
    assert response.status_code == 302
    key = Book.get(book.category, book.book_id).image_key
    assert key in stored_keys()
    cover = client.get(reverse("store:cover", args=[key]))
    assert cover.status_code == 200
    assert Image.open(io.BytesIO(b"".join(cover.streaming_content))).format == "JPEG"


def test_transparent_png_is_stored_as_jpeg(staff_client, make_book):
    book = make_book()
    upload(staff_client, book, "c.png", image_bytes("PNG", mode="RGBA"))
    key = Book.get(book.category, book.book_id).image_key
    with default_storage.open(key) as stored:
        assert Image.open(stored).mode == "RGB"


def test_cover_upload_is_audited(staff_client, make_book):
    book = make_book()
    upload(staff_client, book, "cover.png", image_bytes())
    [entry] = AuditEntry.query(book_subject(book.category, book.book_id))
    assert entry.action == "book.cover"
    assert entry.change_map["image_key"][1] == Book.get(book.category, book.book_id).image_key


def test_non_image_is_refused_and_nothing_is_stored(staff_client, make_book):
    book = make_book()
    before = stored_keys()
    response = upload(staff_client, book, "cover.png", b"<?php echo 'not an image'; ?>")
    assert response.status_code == 400
    assert "not a JPEG, PNG or WebP image" in response.content.decode()
    assert stored_keys() == before
    assert Book.get(book.category, book.book_id).image_key is None


def test_truncated_image_is_refused(staff_client, make_book):
    book = make_book()
    response = upload(staff_client, book, "cover.png", image_bytes("PNG")[:200])
    assert response.status_code == 400
    assert Book.get(book.category, book.book_id).image_key is None


def test_gif_is_refused_by_its_content_not_its_name(staff_client, make_book):
    book = make_book()
    response = upload(staff_client, book, "cover.jpg", image_bytes("GIF"), "image/jpeg")
    assert response.status_code == 400
    assert "must be JPEG, PNG or WebP, not GIF" in response.content.decode()


def test_oversize_file_is_refused_and_nothing_is_stored(staff_client, make_book, settings):
    settings.COVER_MAX_BYTES = 1000
    book = make_book()
    before = stored_keys()
    response = upload(staff_client, book, "big.png", image_bytes("PNG") + b"\0" * 2000)
    assert response.status_code == 400
    assert "largest accepted is 1000" in response.content.decode()
    assert stored_keys() == before


def test_image_with_too_many_pixels_is_refused(staff_client, make_book, settings):
    settings.COVER_MAX_DIMENSION = 500
    book = make_book()
    before = stored_keys()
    response = upload(staff_client, book, "wide.png", image_bytes("PNG", size=(501, 20)))
    assert response.status_code == 400
    assert "501×20 pixels" in response.content.decode()
    assert stored_keys() == before


def test_cover_for_a_book_moved_meanwhile_is_refused_with_a_message(
    staff_client, make_book, monkeypatch
):
    """Another staff member moves the book to another category between this page's read
    and the upload: the upload says so, instead of a 500."""
    from store.catalog import services

    book = make_book(category="Technology")
    prepare = services.cover_image_prepare

    def move_first(upload):
        stored = Book.get(book.category, book.book_id)
        stored.delete()
        Book(**{**stored.attribute_values, "category": "Science"}).save()
        return prepare(upload)

    monkeypatch.setattr(services, "cover_image_prepare", move_first)
    response = upload(staff_client, book, "cover.png", image_bytes())
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:book-list")
    page = staff_client.get(response["Location"])
    assert "moved to another category or deleted" in page.content.decode()
    assert Book.get("Science", book.book_id).image_key is None
