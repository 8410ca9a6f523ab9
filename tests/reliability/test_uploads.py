"""Uploads cannot be served as HTML or script: every upload form the site has (found by
crawling it as staff) is sent HTML, SVG, script and polyglot files under image names and
types; afterwards every object in the covers bucket is a real raster image under an image
name, and /media/ serves each one as an image with nosniff."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.reliability import stats
from tests.reliability.hostile import PNG_1x1
from tests.reliability.state import client as aws_client

HOSTILE_FILES = [
    ("cover.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
    (
        "cover.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/png",
    ),
    ("cover.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
    ("cover.html", b"<script>alert(1)</script>", "text/html"),
    ("cover.gif", b"GIF89a/*<script>alert(1)</script>*/", "image/gif"),
    ("cover.js", b"alert(1)", "application/javascript"),
    ("cover.jpg", PNG_1x1 + b"<script>alert(1)</script>", "image/jpeg"),
    ("../../cover.jpg", b"\xff\xd8\xff\xe0" + b"<script>" * 10, "image/jpeg"),
]
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def _upload_forms(world):
    return [
        form
        for forms in world.forms.values()
        for form in forms
        if form.method == "POST" and "file" in form.kinds.values()
    ]


def _send(world, form, name, body, content_type):
    files = {
        field: SimpleUploadedFile(name, body, content_type=content_type)
        for field, kind in form.kinds.items()
        if kind == "file"
    }
    fields = {k: v for k, v in form.fields.items() if form.kinds.get(k) != "file"}
    response = world.clients["staff"].post(form.action, {**fields, **files})
    stats.record_response(response.status_code)
    stats.add("hostile")
    return response


def _bucket_objects():
    from django.conf import settings

    s3 = aws_client("s3")
    listing = s3.list_objects_v2(Bucket=settings.COVERS_BUCKET_NAME).get("Contents", [])
    return {
        obj["Key"]: s3.get_object(Bucket=settings.COVERS_BUCKET_NAME, Key=obj["Key"])[
            "Body"
        ].read()
        for obj in listing
    }


def _assert_bucket_holds_only_images_served_as_images():
    for key, body in _bucket_objects().items():
        with Image.open(io.BytesIO(body)) as image:
            image.verify()
            kind = IMAGE_TYPES.get(image.format)
        assert kind, (key, "is not a raster image")
        response = Client().get(f"/media/{key}")
        stats.record_response(response.status_code)
        assert response.status_code == 200, key
        assert response["Content-Type"] in IMAGE_TYPES.values(), (key, response["Content-Type"])
        assert response["X-Content-Type-Options"] == "nosniff"


def test_upload_forms_store_nothing_that_could_run_as_html_or_script(world):
    forms = _upload_forms(world)
    assert forms, "crawling the site as staff found no upload form (the book cover's)"
    for form in forms:
        for name, body, content_type in HOSTILE_FILES:
            response = _send(world, form, name, body, content_type)
            assert response.status_code < 500, (form.action, name)
    _assert_bucket_holds_only_images_served_as_images()


def test_an_uploaded_image_is_stored_and_served_as_an_image(world):
    forms = [
        form
        for form in _upload_forms(world)
        if any("image" in accept for accept in form.accepts.values())
    ]
    assert forms, "crawling the site as staff found no image upload form (the book cover's)"
    picture = io.BytesIO()
    Image.new("RGB", (60, 90), "#264653").save(picture, format="PNG")
    before = set(_bucket_objects())
    for form in forms:
        response = _send(world, form, "cover.png", picture.getvalue(), "image/png")
        assert response.status_code < 400, (form.action, response.status_code)
    assert set(_bucket_objects()) - before, "the upload stored no image"
    _assert_bucket_holds_only_images_served_as_images()
