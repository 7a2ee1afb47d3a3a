"""Photo checks and re-encoding: what is stored is clean pixels, what is refused leaves nothing."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from minjian.cases.photos import ProcessedPhoto, process_photo
from minjian.cases.tests.images import DATA, image_bytes, png_claiming_size, truncated_jpeg
from minjian.core.errors import DomainError


def process(content: bytes, name: str = "photo.jpg") -> ProcessedPhoto:
    return process_photo(io.BytesIO(content), name=name, size=len(content))


def decoded(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_each_accepted_format_is_stored_as_a_clean_jpeg(image_format: str) -> None:
    result = process(image_bytes(image_format, size=(80, 60)), name=f"p.{image_format.lower()}")
    stored = decoded(result.image)
    assert stored.format == "JPEG"
    assert stored.size == (80, 60) == (result.width, result.height)
    assert decoded(result.thumbnail).format == "JPEG"


@pytest.mark.parametrize("name", ["DSCN0010.jpg", "DSCN0012.jpg", "Canon_40D.jpg"])
def test_gps_and_camera_metadata_are_removed_from_real_camera_photos(name: str) -> None:
    original = (DATA / name).read_bytes()
    assert decoded(original).getexif().get_ifd(0x8825)
    result = process(original, name=name)
    for content in (result.image, result.thumbnail):
        stored = decoded(content)
        assert not stored.getexif()
        assert "exif" not in stored.info and "xmp" not in stored.info
        assert "icc_profile" not in stored.info and "comment" not in stored.info
        assert b"Exif" not in content and b"http://ns.adobe.com/xap" not in content


def test_gps_written_by_the_tests_is_removed() -> None:
    original = image_bytes("JPEG", with_gps=True)
    assert decoded(original).getexif().get_ifd(0x8825)
    assert not decoded(process(original).image).getexif()


def test_exif_orientation_is_applied_before_encoding() -> None:
    result = process((DATA / "landscape_6.jpg").read_bytes(), name="landscape_6.jpg")
    # Stored 450×600 with orientation 6 (rotate 90°): upright it is 600 wide, 450 high.
    assert (result.width, result.height) == (600, 450)


def test_transparent_png_is_laid_on_white() -> None:
    picture = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    stored = decoded(process(buffer.getvalue(), name="clear.png").image).convert("RGB")
    red, green, blue = stored.getpixel((5, 5))  # type: ignore[misc]  # an RGB image gives a tuple
    assert min(red, green, blue) > 240


def test_large_photo_is_scaled_down_for_publication() -> None:
    result = process(image_bytes("JPEG", size=(4000, 3000)))
    assert max(result.width, result.height) == 2048
    assert max(decoded(result.thumbnail).size) == 480


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "evil.jpg", "photo_format"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "drawing.jpg", "photo_format"),
        (b"", "empty.jpg", "photo_format"),
        (b"GIF89a" + b"\x00" * 20, "animated.jpg", "photo_format"),
        (truncated_jpeg(), "cut.jpg", "photo_unreadable"),
        (png_claiming_size(30000, 30000), "bomb.png", "photo_too_many_pixels"),
    ],
)
def test_bad_files_are_refused_with_their_reason(content: bytes, name: str, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        process(content, name=name)
    assert refused.value.code == code
    assert refused.value.field == "photos"
    assert refused.value.details == {"photo": name}


def test_gif_is_not_an_accepted_format() -> None:
    picture = Image.new("RGB", (10, 10))
    buffer = io.BytesIO()
    picture.save(buffer, format="GIF")
    with pytest.raises(DomainError) as refused:
        process(buffer.getvalue(), name="a.gif")
    assert refused.value.code == "photo_format"


@override_settings(MINJIAN_MAX_PHOTO_BYTES=1000)
def test_photo_over_the_size_limit_is_refused() -> None:
    content = image_bytes("PNG", size=(300, 300), color=(1, 2, 3)) + b"\x00" * 2000
    with pytest.raises(DomainError) as refused:
        process(content)
    assert refused.value.code == "photo_too_large"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_are_either_a_photo_or_a_clear_refusal(content: bytes) -> None:
    try:
        result = process(content)
    except DomainError as refused:
        assert refused.code.startswith("photo_")
    else:
        assert decoded(result.image).format == "JPEG"
