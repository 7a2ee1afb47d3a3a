"""Which copy of a photo a list makes a browser fetch (Debian's Chromium): a phone on a
3× screen takes the small copy (its box is 96 px; twice is sharp enough, and a phone is
often on a slow link); a wide screen as sharp takes the larger one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Browser

from conftest import browser_test
from minjian.cases.models import CasePhoto
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region

pytestmark = browser_test


@pytest.mark.parametrize(
    ("width", "scale", "copy"),
    [(390, 3, "small"), (390, 2, "small"), (1280, 1, "small"), (1280, 3, "thumbnail")],
)
def test_a_phone_takes_the_small_copy_and_a_sharp_wide_screen_the_larger(
    browser: Browser,
    live_server: Any,
    regions: dict[str, Region],
    width: int,
    scale: int,
    copy: str,
) -> None:
    with override_settings(MINJIAN_JOBS_BACKEND="inline"):
        make_case(regions["340321"], photos=[jpeg_upload(size=(1200, 900))])
    photo = CasePhoto.objects.get()
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 800},
        device_scale_factor=scale,
    )
    try:
        page = context.new_page()
        page.goto("/cases/")
        image = page.locator(".case-list img").first
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.currentSrc", arg=image.element_handle())
        fetched = image.evaluate("img => new URL(img.currentSrc).pathname")
    finally:
        context.close()

    assert fetched == {"small": photo.small_url, "thumbnail": photo.thumbnail_url}[copy]
