"""Cover images: generated ones for the sample catalog, where covers are stored, and the
check of an uploaded cover before anything is stored.

An upload is accepted only if Pillow reads it as a JPEG, PNG or WebP within the size
limits. What is stored is then a fresh JPEG drawn from the decoded pixels (turned upright,
transparency on white, metadata dropped): never the uploaded bytes, and always the JPEG
that ``cover_key`` names.

Pillow is imported inside the functions that draw or read an image: the catalog services
and the staff views import this module, and no shopper's page needs Pillow."""

import hashlib
import io
import textwrap
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat

from cloudshelf.errors import ApplicationError

COVER_SIZE = (300, 450)
PALETTE = [
    "#264653",
    "#2a9d8f",
    "#8a5a44",
    "#6d597a",
    "#b56576",
    "#355070",
    "#3d5a40",
    "#9c6644",
    "#1d3557",
    "#7f5539",
]


def cover_key(book_id, content):
    """A storage key that changes when the image does, so it can be cached for long."""
    digest = hashlib.sha256(content).hexdigest()[:12]
    return f"covers/{book_id}-{digest}.jpg"


def generated_cover(title, author):
    """A plain, legible JPEG cover: the title and author on a colour from the title."""
    from PIL import Image, ImageDraw, ImageFont

    colour = PALETTE[int(hashlib.md5(title.encode()).hexdigest(), 16) % len(PALETTE)]
    image = Image.new("RGB", COVER_SIZE, colour)
    draw = ImageDraw.Draw(image)
    title_font = ImageFont.load_default(size=30)
    author_font = ImageFont.load_default(size=18)
    draw.rectangle([16, 16, COVER_SIZE[0] - 16, COVER_SIZE[1] - 16], outline="#f1faee", width=2)
    y = 60
    for line in textwrap.wrap(title, width=14):
        draw.text((32, y), line, font=title_font, fill="#f1faee")
        y += 38
    draw.text((32, COVER_SIZE[1] - 70), author, font=author_font, fill="#f1faee")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def cover_store(key, content):
    """Save the image under ``key`` unless an object is already there."""
    if not default_storage.exists(key):
        default_storage.save(key, ContentFile(content))
    return key


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
    from PIL import Image, UnidentifiedImageError

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
    from PIL import Image, ImageOps

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
