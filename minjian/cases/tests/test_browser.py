"""The main flow in a real browser: Playwright driving Debian's Chromium, never a downloaded one."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from conftest import browser_test
from minjian.cases.models import Case
from minjian.cases.tests.browser_steps import open_coordinates, pick_region
from minjian.cases.tests.images import DATA

pytestmark = browser_test


def test_visitor_switches_language_reports_a_case_with_a_photo_and_finds_it(
    page: Page, regions: Any
) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("报告身边的问题")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_contain_text("Report local problems")

    page.get_by_role("link", name="Report a problem").first.click()
    page.get_by_label("Title").fill("Paper mill pipe pours black water into the Huai")
    page.get_by_label("Description").fill(
        "Every night after ten the outflow turns black. 淮河边的排污口。"
    )
    page.get_by_label("Topic").select_option("environment")
    pick_region(page, "Bengbu", "Bengbu · Anhui")
    open_coordinates(page)
    page.get_by_label("Latitude").fill("32.94")
    page.get_by_label("Longitude").fill("117.36")
    page.get_by_label("Photos").set_input_files(str(DATA / "DSCN0010.jpg"))
    page.get_by_role("button", name="Send the report").click()

    # An anonymous reporter gets her receipt code, then finds her case like anyone else.
    expect(page.locator(".receipt-code code")).to_have_text(re.compile(r"^(\w{4}-){4}\w{4}$"))
    case = Case.objects.get()
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("h1")).to_have_text("Paper mill pipe pours black water into the Huai")
    expect(page.locator(".timeline")).to_contain_text("published")
    photo = page.locator(".photos img").first
    expect(photo).to_be_visible()
    # The thumbnail keeps its place (width and height) before it arrives: wait until the
    # browser has it decoded, which fails if it could not be loaded.
    photo.evaluate("img => img.decode()")
    assert photo.evaluate("img => img.naturalWidth") > 0

    page.get_by_role("link", name="Cases", exact=True).click()
    entry = page.locator(".case-list li", has_text="Paper mill pipe pours black water")
    expect(entry).to_be_visible()
    entry.get_by_role("link").click()
    assert page.url.endswith(f"/cases/{case.pk}/")

    # No tile server is configured: the case is still drawn, as its mark, and listed beside it.
    page.goto("/cases/map/")
    expect(page.locator("#case-map .case-marker")).to_have_count(1)
    expect(page.locator(".case-list")).to_contain_text("Paper mill pipe pours black water")
