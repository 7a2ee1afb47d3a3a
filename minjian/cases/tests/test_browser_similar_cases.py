"""A second witness of the paper mill in a real browser (Debian's Chromium), on a 390 px
phone in Chinese and on a desktop in English, without an account: she starts to report
what someone already reported, is offered that case while she writes ("Is it one of
these?"), before anything is sent; she follows "Add a photo or a note to this case",
finds what she wrote waiting there, adds it, and it waits for a moderator, who releases
it: the case's timeline then says another witness added a note, never who."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, Request, expect

from conftest import Device, browser_test, on_every_device, scrolls_sideways, use_device
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region

pytestmark = browser_test

TITLE = "淮河边造纸厂夜间偷排黑水"
DESCRIPTION = "每天夜里十点以后，怀远县淮河边的造纸厂排污口流出黑色的污水，河面上漂着死鱼。"
# What she writes: the same story in her own words.
HER_TITLE = "怀远县淮河边造纸厂夜里偷排黑水"
HER_DESCRIPTION = "每天夜里十点以后，淮河边造纸厂的排污口流出黑色的污水，河面上漂着很多死鱼。"
MORE = "今天早上六点又看到了。"


def _reported_before(regions: dict[str, Region]) -> Case:
    """The case a neighbour reported (trusted, so public at once), in the index: the
    live server's commits run the jobs."""
    neighbour = make_user("neighbour", is_staff=True)
    make_case(regions["340321"], title="化工厂排放废气", description="学校里的孩子咳嗽不止。")
    return make_case(
        regions["340321"],
        reporter=neighbour,
        title=TITLE,
        description=DESCRIPTION,
        photos=[jpeg_upload()],
    )


@on_every_device
def test_a_reporter_is_offered_the_same_case_and_adds_to_it_instead(
    page: Page, live_server: Any, regions: dict[str, Region], settings: Any, device: Device
) -> None:
    original = _reported_before(regions)
    assert original.is_public
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    use_device(page, live_server, device)
    asked: list[Request] = []
    page.on(
        "request",
        lambda request: asked.append(request) if request.url.endswith("/cases/similar") else None,
    )

    page.goto("/cases/report/")
    panel = page.locator("#similar-cases")
    expect(panel).to_be_hidden()
    # With JavaScript the list comes by itself: no button to ask for it.
    expect(page.locator("#check-similar")).to_be_hidden()
    page.locator("#id_title").press_sequentially(HER_TITLE, delay=30)
    page.locator("#id_description").press_sequentially(HER_DESCRIPTION, delay=30)

    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading")).to_have_text(
        device.text("Is it one of these? Add to it instead")
    )
    offered = panel.locator("li.similar-case")
    expect(offered).to_have_count(1)
    expect(offered).to_contain_text(TITLE)
    expect(offered.locator("img")).to_be_visible()
    expect(page.locator("#similar-status")).to_have_text(
        device.text(
            "One public case looks like yours: is it the same? It is listed under the description."
        )
    )
    # Asked when she paused, not at every key; nothing of her report was sent.
    typed = len(HER_TITLE) + len(HER_DESCRIPTION)
    assert 1 <= len(asked) < typed / 4, len(asked)
    assert all(request.method == "POST" for request in asked)
    assert Case.objects.count() == 2
    assert not scrolls_sideways(page)

    offered.get_by_role("button", name=device.text("Add a photo or a note to this case")).click()

    expect(page).to_have_url(f"{live_server.url}/cases/{original.pk}/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        device.text("Saw this too? Add a photo or a note")
    )
    note = page.get_by_label(device.text("What did you see?"))
    expect(note).to_have_value(f"{HER_TITLE}\n\n{HER_DESCRIPTION}")
    assert not scrolls_sideways(page)
    note.press("End")
    note.press_sequentially(MORE)
    page.get_by_role("button", name=device.text("Add to this case")).click()

    expect(page).to_have_url(f"{live_server.url}/cases/{original.pk}/")
    expect(page.locator(".messages")).to_contain_text(
        device.text(
            "Thank you. What you added to case #%(id)d will be public once a moderator has read it."
        )
        % {"id": original.pk}
    )
    expect(page.locator(".timeline")).to_contain_text(
        device.text("What another witness added waits here for a moderator.")
    )
    expect(page.locator(".timeline")).not_to_contain_text(MORE)
    assert Case.objects.count() == 2
    added = original.events.get(kind=CaseEvent.Kind.ADDED_BY_WITNESS)
    assert added.actor is None and added.payload["held"] is True

    services.case_release_note(actor=make_user("moderator", is_staff=True), event_id=added.pk)
    page.reload()
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text(device.text("Another witness added a note"))
    expect(timeline).to_contain_text(MORE)


def test_none_of_these_puts_the_list_away_and_she_goes_on(
    page: Page, live_server: Any, regions: dict[str, Region]
) -> None:
    _reported_before(regions)

    page.goto("/cases/report/")
    page.locator("#id_title").fill(HER_TITLE)
    page.locator("#id_description").press_sequentially(HER_DESCRIPTION[:12], delay=30)
    panel = page.locator("#similar-cases")
    expect(panel).to_be_visible()
    panel.locator(".similar-dismiss").focus()
    page.keyboard.press("Enter")

    expect(panel).to_be_hidden()
    expect(page.locator("#id_topic")).to_be_focused()
    page.locator("#id_description").press_sequentially(HER_DESCRIPTION[12:], delay=30)
    page.wait_for_timeout(1000)
    expect(panel).to_be_hidden()
