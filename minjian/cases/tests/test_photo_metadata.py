"""Every metadata block a photo can carry is gone from what is stored, and so is smuggled data.

The tests build photos with each block they can write (EXIF with GPS and an
embedded thumbnail, XMP, IPTC, comments, PNG text chunks, WebP EXIF/XMP chunks,
HEIC EXIF) and check the stored image and thumbnail for every trace of it.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pillow_heif
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image, PngImagePlugin

from minjian.cases.photos import process_photo
from minjian.cases.tests.images import GPS_IFD
from minjian.places.models import Region

SECRET = b"MINJIAN-SECRET-7f3a"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="' + SECRET + b'"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def _exif_with_gps_and_thumbnail() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif[0xA431] = SECRET.decode()  # BodySerialNumber
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (32.0, 56.0, 30.0), 3: "E", 4: (117.0, 21.0, 0.0)})
    return exif.tobytes()


def _picture() -> Image.Image:
    return Image.new("RGB", (120, 90), (200, 80, 40))


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _insert_before_tables(jpeg: bytes, *segments: bytes) -> bytes:
    """After the APPn blocks Pillow wrote (its EXIF stays the first one), before DQT."""
    tables = jpeg.index(b"\xff\xdb")
    return jpeg[:tables] + b"".join(segments) + jpeg[tables:]


def jpeg_with_every_block() -> bytes:
    buffer = io.BytesIO()
    thumbnail = io.BytesIO()
    _picture().resize((40, 30)).save(thumbnail, format="JPEG")
    _picture().save(buffer, format="JPEG", exif=_exif_with_gps_and_thumbnail(), comment=SECRET)
    iptc = (
        b"Photoshop 3.0\x008BIM\x04\x04\x00\x00"
        + struct.pack(">I", 12)
        + b"\x1c\x02\x50\x00\x08"
        + SECRET[:8]
    )
    return _insert_before_tables(
        buffer.getvalue(),
        _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP),
        _segment(0xED, iptc),
        # A second EXIF-like block holding a thumbnail image of its own.
        _segment(0xE1, b"Exif\x00\x00" + thumbnail.getvalue()),
    )


def png_with_text_chunks() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    _picture().save(buffer, format="PNG", pnginfo=info, exif=_exif_with_gps_and_thumbnail())
    return buffer.getvalue()


def webp_with_exif_and_xmp() -> bytes:
    buffer = io.BytesIO()
    _picture().save(buffer, format="WEBP", exif=_exif_with_gps_and_thumbnail(), xmp=XMP)
    return buffer.getvalue()


def heic_with_exif() -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(_picture()).save(
        buffer, format="HEIF", exif=_exif_with_gps_and_thumbnail(), xmp=XMP
    )
    return buffer.getvalue()


def _is_clean(content: bytes) -> None:
    stored = Image.open(io.BytesIO(content))
    assert not stored.getexif()
    for key in ("exif", "xmp", "icc_profile", "comment", "photoshop", "adobe"):
        assert key not in stored.info, key
    assert SECRET not in content and SECRET[:8] not in content
    assert b"Exif\x00\x00" not in content and b"ns.adobe.com" not in content
    assert b"8BIM" not in content
    # Only the markers a plain baseline/progressive JPEG needs: no APPn beyond JFIF, no COM.
    markers = _markers(content)
    assert not {m for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE}, [hex(m) for m in markers]


def _markers(jpeg: bytes) -> list[int]:
    found, position = [], 2
    while position < len(jpeg) - 1 and jpeg[position] == 0xFF:
        marker = jpeg[position + 1]
        found.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", jpeg[position + 2 : position + 4])
        position += 2 + length
    return found


@pytest.mark.parametrize(
    ("maker", "name"),
    [
        (jpeg_with_every_block, "every-block.jpg"),
        (png_with_text_chunks, "chunks.png"),
        (webp_with_exif_and_xmp, "meta.webp"),
        (heic_with_exif, "phone.heic"),
    ],
)
def test_no_metadata_block_survives(maker: Callable[[], bytes], name: str) -> None:
    original = maker()
    # The test photo really carries what must be removed: GPS in its EXIF, and XMP.
    decoded = Image.open(io.BytesIO(original))
    assert decoded.getexif().get_ifd(GPS_IFD)
    assert SECRET in original
    result = process_photo(io.BytesIO(original), name=name, size=len(original))
    _is_clean(result.image)
    _is_clean(result.thumbnail)


def test_data_appended_after_the_image_is_not_stored() -> None:
    # A polyglot: a valid JPEG followed by a ZIP archive and an HTML page.
    buffer = io.BytesIO()
    _picture().save(buffer, format="JPEG")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", "<script>alert(1)</script>")
    polyglot = buffer.getvalue() + archive.getvalue() + b"<html><script>alert(2)</script>"
    result = process_photo(io.BytesIO(polyglot), name="polyglot.jpg", size=len(polyglot))
    for content in (result.image, result.thumbnail):
        assert b"PK\x03\x04" not in content and b"<script>" not in content
        assert content.endswith(b"\xff\xd9")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("maker", "name"),
    [
        (jpeg_with_every_block, "every-block.jpg"),
        (png_with_text_chunks, "chunks.png"),
        (webp_with_exif_and_xmp, "meta.webp"),
        (heic_with_exif, "phone.heic"),
    ],
)
def test_no_metadata_block_reaches_the_disk_while_the_photo_waits_to_be_prepared(
    maker: Callable[[], bytes],
    name: str,
    client: Client,
    regions: dict[str, Region],
    django_capture_on_commit_callbacks: Any,
) -> None:
    original = maker()
    # The jobs stay queued: the kept upload is read as it lies on the disk.
    with (
        override_settings(MINJIAN_JOBS_BACKEND="redis"),
        django_capture_on_commit_callbacks(execute=False),
    ):
        response = client.post(
            "/api/v1/cases",
            {
                "title": "River outlet runs black at night",
                "description": "Under the bridge, from two in the morning.",
                "topic": "environment",
                "region": "340321",
                "photos": [SimpleUploadedFile(name, original)],
            },
        )
    assert response.status_code == 201
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert [p.parent.name for p in stored] == ["incoming"]
    kept = stored[0].read_bytes()
    assert SECRET not in kept and SECRET[:8] not in kept and b"8BIM" not in kept
    assert b"ns.adobe.com" not in kept and b"TestCam" not in kept
    with Image.open(io.BytesIO(kept)) as decoded:
        assert set(decoded.getexif()) <= {0x0112} and not decoded.getexif().get_ifd(GPS_IFD)
        assert not {"xmp", "icc_profile", "comment", "photoshop"} & set(decoded.info)
    if kept.startswith(b"\xff\xd8"):
        assert not {m for m in _markers(kept) if 0xE2 <= m <= 0xED or m in (0xE0, 0xFE)}
