"""A reader flags a case as a rumour in a real browser (Debian's Chromium, the proof of
work solved by the page under its Content-Security-Policy), and a verifier finds it in
her queue, starts checking it from there, and the rumour desk lists it as being checked."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from conftest import Device, browser_test, open_menu, scrolls_sideways, sign_in_as, use_device
from minjian.cases.tests.factories import make_case
from minjian.claims.models import Flag
from minjian.claims.tests.factories import make_verifier
from minjian.places.models import Region

pytestmark = browser_test

NOTE = "The same photo went round last year, from another city."


def test_a_reader_flags_a_rumour_and_a_verifier_starts_checking_it(
    console: tuple[Page, list[str]], live_server: Any, regions: dict[str, Region]
) -> None:
    page, messages = console
    case = make_case(regions["340321"], title="Dead fish cover the whole Huai River")
    verifier = make_verifier("guardian-li", "green-huai-river")
    use_device(page, live_server, Device("phone-en", 390, 844, "en"))

    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Flag this report: a rumour, or it exposes someone").click()
    expect(page.locator("blockquote.flagged")).to_have_text(case.title)
    page.get_by_label("It may be a rumour: verifiers should check it").check()
    page.get_by_label("Why (optional)").fill(NOTE)
    page.get_by_role("button", name="Send the flag").click()

    expect(page.locator(".messages")).to_contain_text(
        "Thank you. Verifiers and moderators will look at it."
    )
    assert page.url.endswith(f"/cases/{case.pk}/")
    flag = Flag.objects.get()
    assert (flag.case_id, flag.kind, flag.note) == (case.pk, "rumour", NOTE)

    sign_in_as(page, live_server, verifier)
    page.goto("/")
    open_menu(page)
    page.get_by_role("link", name="Rumour desk").click()
    page.get_by_role("link", name="Flags from readers").click()
    item = page.locator("article.flagged-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("flagged 1 time")
    expect(item).to_contain_text(NOTE)
    assert not scrolls_sideways(page)

    item.get_by_role("link", name="Start checking").click()
    expect(page.get_by_label("Verdict", exact=True)).to_have_value("checking")
    page.get_by_label("Rationale").fill("We are asking the county's fishermen.")
    page.get_by_label("Sources").fill("https://example.org/fishermen")
    page.get_by_role("button", name="Give the verdict").click()
    expect(page.locator(".messages")).to_contain_text("The verdict is published.")

    page.goto("/claims/flags/")
    expect(page.locator("article.flagged-item")).to_have_count(0)
    page.goto("/claims/")
    expect(page.locator("#being-checked")).to_contain_text(case.title)
    problems = [m for m in messages if m.startswith(("error", "pageerror"))]
    assert problems == [], problems
