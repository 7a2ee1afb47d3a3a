"""The moderator in a real browser (Debian's Chromium), on a 390 px phone in Chinese
and on a desktop in English: she works the queue (publishes a case, asks for an edit,
hides a case with a reason she must choose), reads what she did in the past tense,
and the public log shows the hide without her note, which the reporter following her
case does not read either; the reporter reads the request for an edit."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect

from conftest import (
    Device,
    browser_test,
    on_every_device,
    open_menu,
    scrolls_sideways,
    sign_in_as,
    use_device,
)
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.models import Case
from minjian.places.models import Region

pytestmark = browser_test

NOTE_FOR_MODERATORS = "Third doxxing post by the same account this week."
EDIT_REQUEST = "Please take the neighbour's name out of the second paragraph."


def _report(region: Region, title: str) -> tuple[Case, str]:
    submission = services.case_submit(
        reporter=None,
        title=title,
        description="每天夜里排放黑色污水。",
        topic_slug="environment",
        region_code=region.code,
    )
    assert submission.case.state == Case.State.SUBMITTED
    return submission.case, submission.receipt_code


def _item(page: Page, case: Case) -> Locator:
    return page.locator("article.moderation-item").filter(has_text=case.title)


def _done(page: Page, device: Device, message: str, case: Case) -> None:
    expect(page.locator(".messages")).to_contain_text(device.text(message) % {"id": case.pk})


@on_every_device
def test_moderator_publishes_asks_for_an_edit_and_hides_with_a_chosen_reason(
    page: Page, live_server: Any, regions: dict[str, Region], settings: Any, device: Device
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    county = regions["340321"]
    sound, _ = _report(county, "Black water from the paper mill")
    unclear, unclear_code = _report(county, "The bridge by Zhang's house")
    doxxing, doxxing_code = _report(county, "Where the official's son lives")
    use_device(page, live_server, device)

    # From any page, the header takes her to the queue.
    sign_in_as(page, live_server, make_user("moderator", is_staff=True))
    page.goto("/")
    open_menu(page)
    page.locator("header a[href='/cases/moderation/']").click()
    expect(page.locator("article.moderation-item")).to_have_count(3)
    assert not scrolls_sideways(page)

    _item(page, sound).get_by_role("button", name=device.text("Publish")).click()
    _done(page, device, "Case #%(id)d published", sound)

    ask = device.text("Ask the reporter for an edit")
    item = _item(page, unclear)
    item.locator("summary", has_text=ask).click()
    item.get_by_label(device.text("What should the reporter change?")).fill(EDIT_REQUEST)
    item.get_by_role("button", name=ask).click()
    _done(page, device, "Case #%(id)d sent back to the reporter for an edit", unclear)

    # No reason is chosen for her: hiding without one is refused by the form itself.
    item = _item(page, doxxing)
    item.locator("summary", has_text=device.text("Hide")).click()
    reason = item.get_by_label(device.text("Reason (shown publicly)"))
    expect(reason).to_have_value("")
    item.get_by_label(device.text("Note for other moderators (not public)")).fill(
        NOTE_FOR_MODERATORS
    )
    item.get_by_role("button", name=device.text("Hide")).click()
    assert reason.evaluate("select => select.validity.valueMissing")
    reason.select_option(Case.HiddenReason.HARASSMENT.value)
    item.get_by_role("button", name=device.text("Hide")).click()
    _done(page, device, "Case #%(id)d hidden", doxxing)
    # Back in the queue: only the case waiting for its reporter's edit is left.
    expect(page.locator("article.moderation-item")).to_have_count(1)
    assert not scrolls_sideways(page)
    states = dict(Case.objects.values_list("pk", "state"))
    assert (states[sound.pk], states[unclear.pk], states[doxxing.pk]) == (
        "published",
        "submitted",
        "hidden",
    )

    # The public log shows the hide and its kind of reason, never her note.
    sign_in_as(page, live_server, None)
    page.goto("/")
    page.locator("footer").get_by_role("link", name=device.text("Moderation log")).click()
    hidden = page.locator("tr", has_text=f"#{doxxing.pk}").filter(
        has_text=device.text("hidden by a moderator")
    )
    expect(hidden).to_contain_text(device.text("harassment or a call to hunt someone down"))
    assert NOTE_FOR_MODERATORS not in page.content()

    # Her reporters, with their receipt codes: one reads the request, the other the
    # reason her case was hidden, and not the note.
    for code in (unclear_code, doxxing_code):
        page.goto("/cases/follow/")
        page.get_by_label(device.text("Receipt code")).fill(code)
        page.get_by_role("button", name=device.text("Open my case")).click()
        expect(page.locator(".timeline")).to_be_visible()
        assert NOTE_FOR_MODERATORS not in page.content()
        assert not scrolls_sideways(page)
        if code == unclear_code:
            expect(page.locator(".timeline")).to_contain_text(EDIT_REQUEST)
        else:
            expect(page.locator("main")).to_contain_text(
                device.text("A moderator hid this case. Reason: %(reason)s.")
                % {"reason": device.text("harassment or a call to hunt someone down")}
            )
