"""The lists show a small copy of each photo, and offer the thumbnail to sharper screens."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from minjian.cases.models import CasePhoto
from minjian.cases.photos import SMALL_SIDE, THUMBNAIL_SIDE
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def _picture(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


def _case_with_a_prepared_photo(region: Region, capture: Any) -> CasePhoto:
    with capture(execute=True):
        case = make_case(region, photos=[jpeg_upload(size=(1600, 1200))])
    return case.photos.get()


def test_a_prepared_photo_has_a_small_copy_the_lists_offer_first(
    regions: dict[str, Region], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _case_with_a_prepared_photo(regions["340321"], django_capture_on_commit_callbacks)
    assert photo.small.name == f"photos/{photo.key}.small.jpg"

    small = b"".join(client.get(photo.small_url).streaming_content)  # type: ignore[attr-defined]  # a file answer
    assert _picture(small).size == (SMALL_SIDE, SMALL_SIDE * 3 // 4)

    for page in ("/", "/cases/"):
        html = client.get(page).content.decode()
        image = re.search(r"<img [^>]*srcset=\"([^\"]+)\"[^>]*>", html)
        assert image is not None, page
        assert image.group(0).startswith(f'<img src="{photo.small_url}"')
        assert image.group(1) == (
            f"{photo.small_url} {SMALL_SIDE}w, {photo.thumbnail_url} {THUMBNAIL_SIDE}w"
        )


def test_a_photo_without_a_small_copy_answers_its_small_address_with_the_thumbnail(
    regions: dict[str, Region], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _case_with_a_prepared_photo(regions["340321"], django_capture_on_commit_callbacks)
    CasePhoto.objects.filter(pk=photo.pk).update(small="")

    answer = b"".join(client.get(photo.small_url).streaming_content)  # type: ignore[attr-defined]  # a file answer

    assert _picture(answer).size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE * 3 // 4)
