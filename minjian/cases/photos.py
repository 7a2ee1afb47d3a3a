"""Checking and re-encoding uploaded photos.

A photo is accepted only if its bytes decode as a JPEG, PNG, WebP or HEIC/HEIF
image, whatever its name says. What is stored is re-encoded from the decoded
pixels, upright, so nothing of the original file (metadata, trailing data,
anything smuggled inside) reaches the public.

The work is cut in two. `check_photo` runs in the request, before a row or a file
is written, so a refused photo leaves nothing behind and the reporter learns at
once what to correct. `prepare_photo` (finding and blurring faces, re-encoding)
costs a quarter of a second to a second of CPU per photo (docs/privacy.md) and
runs in a background job.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import pillow_heif
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from minjian.cases.faces import blur_boxes as blur
from minjian.cases.faces import detect_faces, parse_manual_boxes
from minjian.cases.photo_segments import (
    JPEG_START,
    PNG_SIGNATURE,
    NotStrippable,
    strip_jpeg,
    strip_png,
)
from minjian.core.errors import DomainError

pillow_heif.register_heif_opener()

# What a decoded file may be. MPO is the multi-picture JPEG many cameras write.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF"})
# The longest side of the published photo and of its thumbnail, in pixels.
PUBLISHED_SIDE = 2048
THUMBNAIL_SIDE = 480
# The small copy the lists show in a 96×72 box: twice that box, so that a screen of two
# device pixels per CSS pixel takes it; sharper screens take the thumbnail (`srcset`).
SMALL_SIDE = 192
JPEG_QUALITY = 85
# A photo kept until it is prepared, when it had to be re-encoded (WebP, HEIC): close
# enough to the original that the published copy, re-encoded at JPEG_QUALITY, shows no
# difference.
KEPT_QUALITY = 95
# The preview of a photo chosen but not sent yet, shown to the reporter alone.
PREVIEW_SIDE = 200
PREVIEW_QUALITY = 70


@dataclass(frozen=True)
class CheckedPhoto:
    """An upload that decodes as an accepted photo, with its upright size, and a small
    upright preview when one was asked for (to show the reporter what she chose)."""

    width: int
    height: int
    preview: bytes = b""

    @property
    def pixels(self) -> int:
        return self.width * self.height


@dataclass(frozen=True)
class PhotoUpload:
    """An uploaded file as the service needs it, whichever interface it came through."""

    name: str
    size: int
    stream: IO[bytes]
    # The reporter's choices for this photo: faces blurred (the default), and
    # boxes she drew, as fractions of the upright photo ("x,y,w,h;...").
    blur_faces: bool = True
    blur_boxes: str = ""
    # Set for a photo checked in an earlier request and kept since (a draft's photo,
    # `cases.services_drafts`): it is not decoded again.
    checked: CheckedPhoto | None = None

    @classmethod
    def from_upload(
        cls, upload: UploadedFile, *, blur_faces: bool = True, blur_boxes: str = ""
    ) -> PhotoUpload:
        return cls(
            name=upload.name or "",
            size=upload.size or 0,
            stream=upload,
            blur_faces=blur_faces,
            blur_boxes=blur_boxes,
        )


@dataclass(frozen=True)
class ProcessedPhoto:
    image: bytes
    thumbnail: bytes
    small: bytes
    width: int
    height: int
    # Faces found and blurred, and boxes the reporter drew and had blurred.
    faces_blurred: int
    boxes_blurred: int


def photo_error(code: str, message: str | Promise, name: str) -> DomainError:
    return DomainError(code, message, field="photos", details={"photo": name})


# EXIF orientations that turn the picture a quarter: width and height swap.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
_ORIENTATION_TAG = 0x0112


def check_photo(
    stream: IO[bytes], *, name: str, size: int, blur_boxes: str = "", with_preview: bool = False
) -> CheckedPhoto:
    """Check one upload while the reporter waits: what she can correct is said at once.

    The file must be within MINJIAN_MAX_PHOTO_BYTES, decode as one of the accepted
    formats (whatever its name says), completely, and claim no more pixels than
    MINJIAN_MAX_PHOTO_PIXELS (a decompression bomb); the boxes she drew must fit it.
    A JPEG is decoded at an eighth of its size, which reads every byte of it for a
    fraction of the cost. With `with_preview`, a small upright JPEG made from the same
    decoded pixels comes with it. Raises DomainError (field "photos").
    """
    if size > settings.MINJIAN_MAX_PHOTO_BYTES:
        raise photo_error(
            "photo_too_large",
            _("The photo “%(name)s” is larger than %(limit)d MB.")
            % {"name": name, "limit": settings.MINJIAN_MAX_PHOTO_BYTES // (1024 * 1024)},
            name,
        )
    preview = b""
    with _opened(stream, name) as original:
        width, height = original.size
        if original.format in ("JPEG", "MPO"):
            original.draft("RGB", (max(1, width // 8), max(1, height // 8)))
        original.load()
        if original.getexif().get(_ORIENTATION_TAG) in _QUARTER_TURNS:
            width, height = height, width
        if with_preview:
            preview = _preview(original)
    parse_manual_boxes(blur_boxes, width=width, height=height)
    return CheckedPhoto(width=width, height=height, preview=preview)


def _preview(decoded: Image.Image) -> bytes:
    small = _flatten(ImageOps.exif_transpose(decoded))
    small.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=PREVIEW_QUALITY)
    return buffer.getvalue()


def strip_metadata(data: bytes, *, name: str) -> bytes:
    """A checked photo's bytes with no metadata left, as they may be written to disk.

    JPEG (and MPO) and PNG keep only the blocks needed to decode them
    (`photo_segments`): no decoding, a few milliseconds for a phone photo, the same
    pixels. WebP and HEIC/HEIF are decoded, turned upright and re-encoded as a JPEG
    at KEPT_QUALITY: their containers are not worth a parser of their own (a phone's
    browser sends a JPEG even for a HEIC photo), and HEIC is fully decoded by the
    check already. Raises DomainError (field "photos") for a file whose blocks are
    not what they claim.
    """
    try:
        if data.startswith(JPEG_START):
            return strip_jpeg(data)
        if data.startswith(PNG_SIGNATURE):
            return strip_png(data)
    except NotStrippable as error:
        raise _unreadable(name) from error
    with _opened(io.BytesIO(data), name) as original:
        original.load()
        upright = _flatten(ImageOps.exif_transpose(original))
    buffer = io.BytesIO()
    upright.save(buffer, format="JPEG", quality=KEPT_QUALITY)
    # Through the whitelist too, so that every kept file holds the same few blocks.
    return strip_jpeg(buffer.getvalue())


def prepare_photo(
    stream: IO[bytes], *, name: str, blur_faces: bool = True, blur_boxes: str = ""
) -> ProcessedPhoto:
    """The published image and thumbnail of a checked upload: the heavy part, run by a job.

    Faces are found and blurred unless `blur_faces` is off (the reporter's choice,
    after a warning); `blur_boxes` are boxes she drew by hand, as fractions of the
    upright photo (see `faces.parse_manual_boxes`). Blurring happens on the
    full-size picture, before any smaller copy is made.
    """
    with _opened(stream, name) as original:
        original.load()
        upright = ImageOps.exif_transpose(original)
        drawn = parse_manual_boxes(blur_boxes, width=upright.width, height=upright.height)
        faces = detect_faces(upright) if blur_faces else []
        if faces or drawn:
            upright = blur(upright, faces + drawn)
        return _encode(upright, faces_blurred=len(faces), boxes_blurred=len(drawn))


def process_photo(
    stream: IO[bytes],
    *,
    name: str,
    size: int,
    blur_faces: bool = True,
    blur_boxes: str = "",
) -> ProcessedPhoto:
    """`check_photo`, then `prepare_photo`, at once: what a stored photo will be."""
    check_photo(stream, name=name, size=size, blur_boxes=blur_boxes)
    stream.seek(0)
    return prepare_photo(stream, name=name, blur_faces=blur_faces, blur_boxes=blur_boxes)


@contextmanager
def _opened(stream: IO[bytes], name: str) -> Iterator[Image.Image]:
    """The decoded image, or a DomainError saying in the reporter's words what is wrong."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit; a warning
            # here is treated as the refusal it should be.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as original:
                if original.format not in ACCEPTED_FORMATS:
                    raise _not_a_photo(name)
                width, height = original.size
                if width * height > settings.MINJIAN_MAX_PHOTO_PIXELS:
                    raise _too_many_pixels(name)
                yield original
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(name) from error
    except UnidentifiedImageError as error:
        raise _not_a_photo(name) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise _unreadable(name) from error


def _unreadable(name: str) -> DomainError:
    return photo_error(
        "photo_unreadable",
        _("“%(name)s” is damaged or incomplete and cannot be read.") % {"name": name},
        name,
    )


def _not_a_photo(name: str) -> DomainError:
    return photo_error(
        "photo_format",
        _("“%(name)s” is not a JPEG, PNG, WebP or HEIC photo.") % {"name": name},
        name,
    )


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
        small=small_jpeg(thumbnail),
        width=published.width,
        height=published.height,
        faces_blurred=faces_blurred,
        boxes_blurred=boxes_blurred,
    )


def small_jpeg(thumbnail: Image.Image) -> bytes:
    """The small copy, made from the thumbnail (already blurred and re-encoded pixels);
    also how photos prepared before it existed get theirs (migration
    0006_small_photos_and_duplicates)."""
    small = thumbnail.convert("RGB")
    small.thumbnail((SMALL_SIDE, SMALL_SIDE), Image.Resampling.LANCZOS)
    return _jpeg_bytes(small)


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
