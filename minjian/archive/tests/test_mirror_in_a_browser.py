"""The issue's "done when": a browser opens the static mirror of the demo from `file://`,
searches it in traditional characters and finds a case with its photo and timeline.

A test of its own, committed (as the site's browser tests are): the browser's event loop
gives the ORM another connection, which sees only committed rows.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import opencc
import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Route

from conftest import browser_test
from minjian.archive.mirror import MirrorBuilder
from minjian.demo import content
from minjian.demo.tests.test_demo import load_demo
from minjian.topics.tests.factories import ensure_default_topics

pytestmark = browser_test

PAPER_MILL = "paper-mill-huaiyuan"
INDEX_PREFIX = "window.MinjianMirrorSearch = "


def case_file(mirror: Path, title: str) -> str:
    """The file of the case titled `title`, as the mirror's search index lists it."""
    index = (mirror / "search" / "pages.js").read_text("utf-8")
    pages = json.loads(index.removeprefix(INDEX_PREFIX).rstrip().removesuffix(";"))["pages"]
    (found,) = (file for file, page_title in pages if page_title == title)
    return str(found)


@pytest.mark.engine_agnostic
def test_a_browser_reads_the_mirror_from_a_file_and_finds_a_case_in_traditional_characters(
    tmp_path: Path, browser: Browser
) -> None:
    ensure_default_topics()
    call_command("load_regions", stdout=StringIO())
    load_demo()
    mirror = tmp_path / "mirror"
    MirrorBuilder(mirror).build()
    (title,) = (case.title for case in content.CASES if case.key == PAPER_MILL)
    traditional = opencc.OpenCC("s2t").convert(title)
    assert traditional != title
    expected = case_file(mirror, title)

    context = browser.new_context(locale="zh-CN")
    elsewhere: list[str] = []

    def only_files(route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((mirror / "zh-hans" / "index.html").as_uri())
    page.fill("#mirror-banner-query", traditional)
    page.press("#mirror-banner-query", "Enter")
    result = page.locator("#mirror-search-results").get_by_role("link", name=title, exact=True)
    result.wait_for()
    result.click()
    page.wait_for_url(f"**/zh-hans/{expected}")
    assert page.locator("h1").first.inner_text() == title
    photo = page.locator(".photos img").first
    photo.wait_for()
    assert photo.evaluate("image => image.complete && image.naturalWidth > 0")
    assert page.locator(".timeline li").count() >= 2
    context.close()
    assert errors == []
    assert elsewhere == []
