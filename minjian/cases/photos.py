"""Checking and re-encoding uploaded photos.

A photo is accepted only if its bytes decode as a JPEG, PNG, WebP or HEIC/HEIF
image, whatever its name says. What is stored is re-encoded from the decoded
pixels, upright, so nothing of the original file (metadata, trailing data,
anything smuggled inside) reaches the public. Every check happens before a
row or a file is written, so a refused photo leaves nothing behind.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

import pillow_heif
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from minjian.cases.faces import blur_boxes as blur
from minjian.cases.faces import detect_faces, parse_manual_boxes
from minjian.core.errors import DomainError

pillow_heif.register_heif_opener()

# What a decoded file may be. MPO is the multi-picture JPEG many cameras write.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF"})
# The longest side of the published photo and of its thumbnail, in pixels.
PUBLISHED_SIDE = 2048
THUMBNAIL_SIDE = 480
JPEG_QUALITY = 85


@dataclass(frozen=True)
class ProcessedPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    # Faces found and blurred, and boxes the reporter drew and had blurred.
    faces_blurred: int
    boxes_blurred: int


def photo_error(code: str, message: str | Promise, name: str) -> DomainError:
    return DomainError(code, message, field="photos", details={"photo": name})


def process_photo(
    stream: IO[bytes],
    *,
    name: str,
    size: int,
    blur_faces: bool = True,
    blur_boxes: str = "",
) -> ProcessedPhoto:
    """Check one upload and return its re-encoded published image and thumbnail.

    Faces are found and blurred unless `blur_faces` is off (the reporter's choice,
    after a warning); `blur_boxes` are boxes she drew by hand, as fractions of the
    upright photo (see `faces.parse_manual_boxes`). Blurring happens on the
    full-size picture, before any smaller copy is made.

    Raises DomainError (field "photos") for a file that is too large, is not
    one of the accepted image formats, is truncated or corrupt, or claims more
    pixels than MINJIAN_MAX_PHOTO_PIXELS (a decompression bomb).
    """
    if size > settings.MINJIAN_MAX_PHOTO_BYTES:
        raise photo_error(
            "photo_too_large",
            _("The photo “%(name)s” is larger than %(limit)d MB.")
            % {"name": name, "limit": settings.MINJIAN_MAX_PHOTO_BYTES // (1024 * 1024)},
            name,
        )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit; a warning
            # here is treated as the refusal it should be.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as original:
                if original.format not in ACCEPTED_FORMATS:
                    raise photo_error(
                        "photo_format",
                        _("“%(name)s” is not a JPEG, PNG, WebP or HEIC photo.") % {"name": name},
                        name,
                    )
                width, height = original.size
                if width * height > settings.MINJIAN_MAX_PHOTO_PIXELS:
                    raise _too_many_pixels(name)
                original.load()
                upright = ImageOps.exif_transpose(original)
                drawn = parse_manual_boxes(blur_boxes, width=upright.width, height=upright.height)
                faces = detect_faces(upright) if blur_faces else []
                if faces or drawn:
                    upright = blur(upright, faces + drawn)
                return _encode(upright, faces_blurred=len(faces), boxes_blurred=len(drawn))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(name) from error
    except UnidentifiedImageError as error:
        raise photo_error(
            "photo_format",
            _("“%(name)s” is not a JPEG, PNG, WebP or HEIC photo.") % {"name": name},
            name,
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise photo_error(
            "photo_unreadable",
            _("“%(name)s” is damaged or incomplete and cannot be read.") % {"name": name},
            name,
        ) from error


def _too_many_pixels(name: str) -> DomainError:
    return photo_error(
        "photo_too_many_pixels",
        _("“%(name)s” has too many pixels to be a photo (at most %(limit)d million).")
        % {"name": name, "limit": settings.MINJIAN_MAX_PHOTO_PIXELS // 1_000_000},
        name,
    )


def _encode(picture: Image.Image, *, faces_blurred: int, boxes_blurred: int) -> ProcessedPhoto:
    rgb = _flatten(picture)
    published = rgb.copy()
    published.thumbnail((PUBLISHED_SIDE, PUBLISHED_SIDE), Image.Resampling.LANCZOS)
    thumbnail = rgb.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        image=_jpeg_bytes(published),
        thumbnail=_jpeg_bytes(thumbnail),
        width=published.width,
        height=published.height,
        faces_blurred=faces_blurred,
        boxes_blurred=boxes_blurred,
    )


def _flatten(picture: Image.Image) -> Image.Image:
    """The pixels alone, as RGB, on a new image that carries none of the original's info.

    `convert` copies the info dict (EXIF, XMP, ICC profile, comments), and some
    encoders write what they find there; pasting onto a new image leaves it behind.
    Transparency is laid on white.
    """
    clean = Image.new("RGB", picture.size, (255, 255, 255))
    if picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    ):
        rgba = picture.convert("RGBA")
        clean.paste(rgba, mask=rgba.getchannel("A"))
    else:
        clean.paste(picture.convert("RGB"))
    return clean


def _jpeg_bytes(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()
