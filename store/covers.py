"""Cover images: generated ones for the sample catalog, and where covers are stored."""

import hashlib
import io
import textwrap

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

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
