"""The report form's preview of a photo the browser cannot show itself (HEIC): a small
upright JPEG made by the same check as the report's, or the refusal in the reader's words."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from minjian.cases.tests.images import image_bytes, upload

pytestmark = pytest.mark.django_db


def test_a_heic_photo_gets_a_small_upright_jpeg_preview_and_nothing_is_kept(
    client: Client, settings: Any
) -> None:
    heic = upload("IMG_0001.HEIC", image_bytes("HEIF", size=(800, 600)), "image/heic")

    answer = client.post("/cases/photos/preview/", {"photo": heic})

    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg" and answer["Cache-Control"] == "no-store"
    preview = Image.open(io.BytesIO(answer.content))
    assert preview.format == "JPEG" and max(preview.size) <= 200
    assert not any(settings.MEDIA_ROOT.rglob("*")) if settings.MEDIA_ROOT.exists() else True


def test_a_preview_of_what_is_not_a_photo_is_the_refusal_in_the_readers_language(
    client: Client,
) -> None:
    answer = client.post(
        "/cases/photos/preview/",
        {"photo": upload("notes.heic", b"not a photo at all", "image/heic")},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert answer.status_code == 400
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    assert "不是 JPEG、PNG、WebP 或 HEIC 格式的照片" in answer.content.decode()


def test_previews_are_rate_limited_per_client(client: Client, settings: Any) -> None:
    settings.MINJIAN_RATE_LIMITS = {**settings.MINJIAN_RATE_LIMITS, "photo_preview": (2, 3600)}
    photo = image_bytes("JPEG")

    statuses = [
        client.post("/cases/photos/preview/", {"photo": upload("p.jpg", photo)}).status_code
        for _ in range(3)
    ]

    assert statuses == [200, 200, 429]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_heic_photo_chosen_in_the_report_form_shows_in_the_blur_box_drawer(
    page: Any, tmp_path: Any
) -> None:
    """Chromium cannot decode HEIC: the drawer shows the server's preview instead."""
    heic = tmp_path / "IMG_0002.HEIC"
    heic.write_bytes(image_bytes("HEIF", size=(800, 600)))
    page.goto("/cases/report/")

    page.locator("#id_photos").set_input_files(str(heic))

    drawn = page.locator("#blur-editor img")
    drawn.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=drawn.element_handle()
    )
    assert drawn.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [200, 150]
    assert drawn.get_attribute("src", timeout=1000).startswith("blob:")
