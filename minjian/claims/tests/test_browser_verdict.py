"""A verifier publishes a verdict on a case in a real browser (Debian's Chromium), and a
reader finds it on the case page, in the list, and as ClaimReview JSON-LD that the
browser reads under the page's Content-Security-Policy without a complaint."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Page, expect

from conftest import Device, browser_test, scrolls_sideways, sign_in_as, use_device
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.claims.tests.factories import make_verifier
from minjian.places.models import Region

pytestmark = browser_test


def test_a_verifier_publishes_a_verdict_and_a_reader_sees_it(
    console: tuple[Page, list[str]], live_server: Any, regions: dict[str, Region]
) -> None:
    page, messages = console
    case = make_case(regions["340321"], title="Black water in the Huai at night")
    verifier = make_verifier("guardian-li", "green-huai-river")
    use_device(page, live_server, Device("phone-en", 390, 844, "en"))

    sign_in_as(page, live_server, verifier)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Give a verdict").click()
    page.get_by_label("Verdict", exact=True).select_option("false")
    page.get_by_label("Rationale").fill("The bureau's samples show clean water at the outlet.")
    page.get_by_label("Sources").fill("https://example.org/samples-2024")
    page.get_by_role("button", name="Give the verdict").click()

    expect(page.locator(".messages")).to_contain_text("The verdict is published.")
    assert not scrolls_sideways(page)

    sign_in_as(page, live_server, None)
    page.goto(f"/cases/{case.pk}/")
    box = page.locator("#verdict")
    expect(box.get_by_role("heading")).to_have_text("Verdict: false")
    expect(box).to_contain_text("The bureau's samples show clean water at the outlet.")
    expect(box.get_by_role("link", name="Huai River Guardians")).to_be_visible()
    expect(box.get_by_role("link", name="https://example.org/samples-2024")).to_have_attribute(
        "rel", "nofollow noopener noreferrer"
    )
    expect(page.get_by_role("link", name="Give a verdict")).to_have_count(0)
    (data,) = page.locator('script[type="application/ld+json"]').all_text_contents()
    review = json.loads(data)
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "false"
    assert review["author"]["name"] == "Huai River Guardians"
    assert review["url"].endswith(f"/cases/{case.pk}/#verdict")

    page.goto("/cases/?verdict=false")
    expect(page.locator(".case-list > li")).to_have_count(1)
    expect(page.locator(".case-list")).to_contain_text("Verdict: false")
    assert Case.objects.get(pk=case.pk).verdict == Case.Verdict.FALSE
    problems = [m for m in messages if m.startswith(("error", "pageerror"))]
    assert problems == [], problems
