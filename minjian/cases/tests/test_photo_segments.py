"""The metadata whitelist: any bytes give a stripped photo or a clear refusal, and a
stripped photo decodes to exactly the pixels of the original, upright the same way."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from minjian.cases.photo_segments import (
    JPEG_START,
    PNG_SIGNATURE,
    NotStrippable,
    strip_jpeg,
    strip_png,
    tiff_orientation,
)
from minjian.cases.tests.images import DATA, GPS_IFD
from minjian.cases.tests.test_photo_metadata import (
    SECRET,
    jpeg_with_every_block,
    png_with_text_chunks,
)

MODES = ("RGB", "L", "CMYK")


def _noise(mode: str, size: tuple[int, int], seed: int) -> Image.Image:
    """A picture with detail (so that every Huffman code and restart interval is used)."""
    channels = len(mode)
    data = bytes((seed * 7919 + i * 104729) % 251 for i in range(size[0] * size[1] * channels))
    return Image.frombytes(mode, size, data)


def _decoded(data: bytes) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        return upright.mode, upright.size, upright.tobytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mode=st.sampled_from(MODES),
    width=st.integers(1, 80),
    height=st.integers(1, 80),
    seed=st.integers(0, 1000),
    progressive=st.booleans(),
    subsampling=st.sampled_from([0, 1, 2]),
    restart=st.sampled_from([0, 1, 4]),
    orientation=st.integers(1, 8),
    comment=st.booleans(),
)
def test_a_stripped_jpeg_decodes_to_the_same_pixels_the_same_way_up(
    mode: str,
    width: int,
    height: int,
    seed: int,
    progressive: bool,
    subsampling: int,
    restart: int,
    orientation: int,
    comment: bool,
) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestCam"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (32.0, 56.0, 30.0)})
    buffer = io.BytesIO()
    options: dict[str, object] = {"restart_marker_blocks": restart} if restart else {}
    _noise(mode, (width, height), seed).save(
        buffer,
        format="JPEG",
        quality=80,
        progressive=progressive,
        subsampling=subsampling,
        exif=exif.tobytes(),
        **({"comment": SECRET} if comment else {}),
        **options,
    )
    original = buffer.getvalue()
    stripped = strip_jpeg(original)
    assert _decoded(stripped) == _decoded(original)
    assert SECRET not in stripped and b"TestCam" not in stripped
    with Image.open(io.BytesIO(stripped)) as kept:
        assert dict(kept.getexif()) == ({} if orientation == 1 else {0x0112: orientation})


@settings(max_examples=40, deadline=None)
@given(
    mode=st.sampled_from(["RGB", "RGBA", "L", "LA", "P", "1", "I;16"]),
    width=st.integers(1, 60),
    height=st.integers(1, 60),
    seed=st.integers(0, 1000),
    orientation=st.integers(1, 8),
    transparency=st.booleans(),
)
def test_a_stripped_png_decodes_to_the_same_pixels_the_same_way_up(
    mode: str, width: int, height: int, seed: int, orientation: int, transparency: bool
) -> None:
    picture = _noise("RGB", (width, height), seed).convert(mode)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestCam"
    options: dict[str, object] = {"exif": exif.tobytes()}
    if transparency and mode in ("P", "L", "RGB"):
        options["transparency"] = 0 if mode != "RGB" else (0, 0, 0)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", **options)
    original = buffer.getvalue()
    stripped = strip_png(original)
    assert _decoded(stripped) == _decoded(original)
    assert b"TestCam" not in stripped
    with Image.open(io.BytesIO(stripped)) as kept:
        assert kept.info.get("transparency") == Image.open(io.BytesIO(original)).info.get(
            "transparency"
        )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_stripped_or_refused_clearly(data: bytes) -> None:
    for strip, start in ((strip_jpeg, JPEG_START), (strip_png, PNG_SIGNATURE)):
        for candidate in (data, start + data):
            with contextlib.suppress(NotStrippable):
                strip(candidate)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_damaged_photo_is_stripped_or_refused_clearly(data: st.DataObject) -> None:
    original = data.draw(st.sampled_from([jpeg_with_every_block(), png_with_text_chunks()]))
    position = data.draw(st.integers(0, len(original) - 1))
    action = data.draw(st.sampled_from(["cut", "flip", "insert"]))
    if action == "cut":
        damaged = original[:position]
    elif action == "flip":
        damaged = (
            original[:position] + bytes([original[position] ^ 0xFF]) + original[position + 1 :]
        )
    else:
        damaged = (
            original[:position] + data.draw(st.binary(min_size=1, max_size=8)) + original[position:]
        )
    strip = strip_jpeg if original.startswith(JPEG_START) else strip_png
    with contextlib.suppress(NotStrippable):
        strip(damaged)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_exif_gives_an_orientation(data: bytes) -> None:
    assert 1 <= tiff_orientation(b"MM\x00*" + data) <= 8
    assert 1 <= tiff_orientation(b"II*\x00" + data) <= 8


@pytest.mark.parametrize(
    "name", ["DSCN0010.jpg", "DSCN0012.jpg", "Canon_40D.jpg", "landscape_6.jpg"]
)
def test_real_camera_photos_keep_their_pixels_and_orientation_alone(name: str) -> None:
    original = (DATA / name).read_bytes()
    stripped = strip_jpeg(original)
    assert _decoded(stripped) == _decoded(original)
    with Image.open(io.BytesIO(stripped)) as kept:
        assert not kept.getexif().get_ifd(GPS_IFD)
        assert set(kept.getexif()) <= {0x0112}
        assert "icc_profile" not in kept.info and "xmp" not in kept.info


def test_only_the_blocks_needed_to_decode_are_kept() -> None:
    stripped = strip_jpeg(jpeg_with_every_block() + b"PK\x03\x04trailing")
    markers = []
    position = 2
    while stripped[position + 1] != 0xDA:
        markers.append(stripped[position + 1])
        position += 2 + int.from_bytes(stripped[position + 2 : position + 4], "big")
    assert set(markers) <= {0xDB, 0xC4, 0xC0, 0xC2, 0xDD}
    assert stripped.endswith(b"\xff\xd9") and b"PK\x03\x04" not in stripped


def test_a_cmyk_jpeg_keeps_the_adobe_block_its_colours_depend_on() -> None:
    buffer = io.BytesIO()
    _noise("CMYK", (32, 24), 3).save(buffer, format="JPEG")
    stripped = strip_jpeg(buffer.getvalue())
    assert b"Adobe" in stripped
    assert _decoded(stripped) == _decoded(buffer.getvalue())
