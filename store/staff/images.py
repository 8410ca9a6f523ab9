"""Checking an uploaded cover before anything is stored.

An upload is accepted only if Pillow reads it as a JPEG, PNG or WebP within the size
limits. What is stored is then a fresh JPEG drawn from the decoded pixels (turned upright,
transparency on white, metadata dropped): never the uploaded bytes, and always the JPEG
that ``store.covers.cover_key`` names."""

import io
import warnings

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

from cloudshelf.errors import ApplicationError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


class InvalidCover(ApplicationError):
    message = "That file is not a cover image we can use."


def cover_image_prepare(upload):
    """The JPEG bytes to store for an uploaded file, or InvalidCover saying why not."""
    limit = settings.COVER_MAX_BYTES
    if upload.size > limit:
        raise InvalidCover(
            f"The image is {filesizeformat(upload.size)}; the largest accepted "
            f"is {filesizeformat(limit)}."
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidCover(f"The image is larger than {filesizeformat(limit)}.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencode(data)
    except InvalidCover:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise InvalidCover("That file is not a JPEG, PNG or WebP image we can read.") from error


def _reencode(data):
    side = settings.COVER_MAX_DIMENSION
    with Image.open(io.BytesIO(data)) as image:
        if image.format not in ACCEPTED_FORMATS:
            raise InvalidCover(f"Covers must be JPEG, PNG or WebP, not {image.format}.")
        width, height = image.size
        if width > side or height > side:
            raise InvalidCover(
                f"The image is {width}×{height} pixels; the largest accepted is {side}×{side}."
            )
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            canvas = Image.new("RGB", image.size, "white")
            canvas.paste(image, mask=image.getchannel("A"))
            image = canvas
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()
