"""The verifier in a real browser (Debian's Chromium), on a 390 px phone in Chinese and on
a desktop in English: she reads two reports of one story side by side in the queue,
merges the newer into the earlier one, and then reads the earlier case's page with the
merged report's note, and the newer case's page leading there; she tells a pair of
different stories apart, merges a case by its number, and gives the story its verdict."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from conftest import Device, browser_test, on_every_device, scrolls_sideways, sign_in_as, use_device
from minjian.cases import services
from minjian.cases.models import Case, DuplicateSuggestion
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.test_merge import make_verifier
from minjian.places.models import Region

pytestmark = browser_test

NOTE = "今天早上河面又漂着死鱼。"
RATIONALE = "志愿者在排污口下游取的水样化学需氧量超标，和三份报告说的一致。"


@on_every_device
def test_a_verifier_merges_a_duplicate_from_the_queue(
    page: Page, live_server: Any, regions: dict[str, Region], device: Device
) -> None:
    county = regions["340321"]
    original = make_case(county, title="造纸厂夜里向淮河排放黑色污水")
    duplicate = make_case(county, title="淮河边造纸厂每天夜里排黑水")
    services.case_add_by_reporter(case=duplicate, actor=None, text=NOTE)
    school = make_case(county, title="小学门口的红绿灯坏了")
    elsewhere = make_case(county, title="红绿灯坏了三天")
    separate = make_case(county, title="河边又见死鱼")
    # The pairs this test reads, whatever the index suggested of these short texts.
    DuplicateSuggestion.objects.all().delete()
    alike = DuplicateSuggestion.objects.create(case=duplicate, original=original, score=0.92)
    different = DuplicateSuggestion.objects.create(case=elsewhere, original=school, score=0.61)
    use_device(page, live_server, device)
    sign_in_as(page, live_server, make_verifier()[0])

    page.goto("/cases/duplicates/")
    pairs = page.locator("article.duplicate-pair")
    expect(pairs).to_have_count(2)
    expect(pairs.first).to_contain_text(duplicate.title)
    expect(pairs.first).to_contain_text(original.title)
    assert not scrolls_sideways(page)

    pairs.nth(1).get_by_role("button", name=device.text("Not the same story")).click()
    expect(page.locator(".messages")).to_contain_text(
        device.text("Suggestion rejected: it will not be made again.")
    )
    merge = device.text("Merge #%(case)s into #%(original)s") % {
        "case": duplicate.pk,
        "original": original.pk,
    }
    page.get_by_role("button", name=merge).click()
    expect(page.locator(".messages")).to_contain_text(
        device.text("Merged into case #%(id)d.") % {"id": original.pk}
    )
    expect(page.locator("article.duplicate-pair")).to_have_count(0)

    page.get_by_label(device.text("Case to merge (the duplicate)")).fill(f"#{separate.pk}")
    page.get_by_label(device.text("Merge it into case (the original)")).fill(str(duplicate.pk))
    page.get_by_role("button", name=device.text("Merge"), exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text(
        device.text("Case #%(into)d is a duplicate of case #%(original)d: merge into that one.")
        % {"into": duplicate.pk, "original": original.pk}
    )
    page.get_by_label(device.text("Merge it into case (the original)")).fill(str(original.pk))
    page.get_by_role("button", name=device.text("Merge"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        device.text("Case #%(case)d merged into case #%(id)d.")
        % {"case": separate.pk, "id": original.pk}
    )

    page.goto(f"/cases/{original.pk}/")
    expect(page.locator(".merged-reports")).to_contain_text(f"#{duplicate.pk}")
    expect(page.locator(".timeline")).to_contain_text(NOTE)
    page.locator(".merged-reports").get_by_role("link", name=f"#{duplicate.pk}").click()
    expect(page.locator("h1")).to_have_text(
        device.text("Case #%(id)s was merged") % {"id": duplicate.pk}
    )
    page.get_by_role("link", name=f"#{original.pk}").click()
    expect(page).to_have_url(f"{live_server.url}/cases/{original.pk}/")

    # The story is one case now: she gives it its verdict, with her reasons and a source.
    page.get_by_role("link", name=device.text("Give a verdict")).click()
    page.get_by_label(device.text("Verdict"), exact=True).select_option("corroborated")
    page.get_by_label(device.text("Rationale")).fill(RATIONALE)
    page.get_by_label(device.text("Sources")).fill("https://example.org/huai-samples")
    page.get_by_role("button", name=device.text("Give the verdict")).click()
    expect(page.locator(".messages")).to_contain_text(device.text("The verdict is published."))
    page.goto(f"/cases/{original.pk}/")
    expect(page.locator("#verdict")).to_contain_text(RATIONALE)
    organisation = "淮河核查" if device.language == "zh-hans" else "Huai River Fact Checkers"
    expect(page.locator("#verdict")).to_contain_text(organisation)
    assert not scrolls_sideways(page)
    assert Case.objects.get(pk=original.pk).verdict == Case.Verdict.CORROBORATED
    assert Case.objects.get(pk=separate.pk).duplicate_of_id == original.pk
    different.refresh_from_db()
    alike.refresh_from_db()
    assert (alike.status, different.status) == ("confirmed", "rejected")
