"""Images the tests build: valid photos of each format, and hostile or broken files."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pillow_heif
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

DATA = Path(__file__).parent / "data"
GPS_IFD = 0x8825


def image_bytes(
    image_format: str = "JPEG",
    *,
    size: tuple[int, int] = (64, 48),
    color: tuple[int, int, int] = (30, 120, 200),
    with_gps: bool = False,
) -> bytes:
    picture = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    options: dict[str, object] = {}
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        exif[0x0131] = "MinjianTest"  # Software
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (32.0, 56.0, 30.0), 3: "E", 4: (117.0, 21.0, 0.0)})
        options["exif"] = exif.tobytes()
    if image_format == "HEIF":
        pillow_heif.from_pillow(picture).save(buffer, format="HEIF", quality=60)
    else:
        picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_upload(name: str = "photo.jpg", **kwargs: Any) -> SimpleUploadedFile:
    return upload(name, image_bytes("JPEG", **kwargs))


def camera_photo(name: str) -> SimpleUploadedFile:
    return upload(name, (DATA / name).read_bytes())


def truncated_jpeg() -> bytes:
    whole = image_bytes("JPEG", size=(400, 300))
    return whole[: len(whole) // 2]


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb."""
    signature = b"\x89PNG\r\n\x1a\n"

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        signature
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
