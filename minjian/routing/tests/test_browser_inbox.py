"""The NGO member and the agency member in a real browser (Debian's Chromium; mail
through a real SMTP server), each on a 390 px phone in Chinese and on a desktop in
English.

The NGO member finds a new case in her mail and in her inbox, acknowledges it, posts
a public update and an internal note, and the internal note is nowhere public. The
agency member answers officially, and the agency's response time appears on the
public accountability page.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone, translation
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
from minjian.accountability.formatting import readable_duration
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.notify.tests.mailbox import Inbox, link, subject
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.routing.tests.helpers import subscribed

pytestmark = browser_test

TITLE = "Paper mill dumps black water into the Huai at night"
UPDATE = "We took water samples at the outlet; the results come on Friday."
INTERNAL_NOTE = "The mill's owner sits on our board's family: let Wang call the bureau, not us."


def _form(page: Page, heading: str) -> Locator:
    return page.locator("form").filter(has=page.get_by_role("heading", name=heading))


def _open_inbox(page: Page, device: Device, organisation: str) -> None:
    """From the home page, through the header's menu, to the organisation's inbox."""
    page.goto("/")
    open_menu(page)
    page.get_by_role("link", name=device.text("Inbox"), exact=True).click()
    page.get_by_role("link", name=organisation).click()
    expect(page.locator("h1")).to_contain_text(organisation)
    assert not scrolls_sideways(page)


@on_every_device
def test_ngo_member_acknowledges_updates_and_keeps_an_internal_note_off_every_public_page(
    page: Page, live_server: Any, smtp: Inbox, regions: dict[str, Region], device: Device
) -> None:
    lin = make_user("lin", email="lin@green-huai.example.org")
    subscribed("green-huai", topic="environment", region=regions["340000"], members=(lin,))
    case = make_case(regions["340321"], title=TITLE)
    assert case.state == Case.State.PUBLISHED
    use_device(page, live_server, device)

    # The mail reached her at once, and its link opens the case.
    (message,) = smtp.to("lin@green-huai.example.org")
    assert TITLE in subject(message)
    page.goto(link(message, rf"/cases/{case.pk}/"))
    expect(page.locator("h1")).to_have_text(TITLE)

    # Her inbox has it; she acknowledges it for her organisation.
    sign_in_as(page, live_server, lin)
    _open_inbox(page, device, "green-huai")
    page.get_by_role("link", name=TITLE).click()
    assert not scrolls_sideways(page)
    acknowledge = _form(page, device.text("Acknowledge"))
    acknowledge.get_by_label(device.text("Public note (optional)")).fill("We have it.")
    acknowledge.get_by_role("button", name=device.text("Acknowledge")).click()
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("We have it.")

    # A public update, then an internal note, each on the inbox's timeline.
    update = _form(page, device.text("Public update"))
    update.get_by_role("textbox").fill(UPDATE)
    update.get_by_role("button", name=device.text("Public update")).click()
    expect(timeline).to_contain_text(UPDATE)
    note = _form(page, device.text("Internal note"))
    note.get_by_role("textbox").fill(INTERNAL_NOTE)
    note.get_by_role("button", name=device.text("Internal note")).click()
    internal = page.locator(".timeline li.internal")
    expect(internal).to_contain_text(INTERNAL_NOTE)
    expect(internal).to_contain_text(device.text("Internal note: only your organisation sees it"))
    assert not scrolls_sideways(page)
    kinds = set(
        CaseEvent.objects.filter(case=case, organisation__slug="green-huai").values_list(
            "kind", flat=True
        )
    )
    assert {"acknowledged", "public_update", "internal_note"} <= kinds

    # The public page has the update and not the note, whoever reads it: she herself,
    # or anyone else; nor do the feed, the API or Open311.
    page.get_by_role("link", name=device.text("Public page")).click()
    expect(page.locator(".timeline")).to_contain_text(UPDATE)
    assert INTERNAL_NOTE not in page.content()
    sign_in_as(page, live_server, None)
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator(".timeline")).to_contain_text(UPDATE)
    assert INTERNAL_NOTE not in page.content()
    for address in (
        f"/feeds/cases/{case.pk}/",
        f"/api/v1/cases/{case.pk}",
        f"/open311/v2/requests/{case.pk}.json",
    ):
        answer = page.request.get(address)
        assert answer.ok and INTERNAL_NOTE not in answer.text(), address
    assert UPDATE in page.request.get(f"/feeds/cases/{case.pk}/").text()


@on_every_device
def test_agency_member_answers_officially_and_the_response_time_is_public(
    page: Page, live_server: Any, regions: dict[str, Region], device: Device
) -> None:
    wang = make_user("wang")
    subscribed(
        "bengbu-eeb",
        topic="environment",
        region=regions["340300"],
        kind=Organisation.Kind.AGENCY,
        members=(wang,),
    )
    # Reported and routed 66 hours ago (the seed story's "gone in 66 hours").
    with time_machine.travel(timezone.now() - timedelta(hours=66), tick=True):
        case = make_case(regions["340321"], title=TITLE)
    use_device(page, live_server, device)

    sign_in_as(page, live_server, wang)
    _open_inbox(page, device, "bengbu-eeb")
    page.get_by_role("link", name=TITLE).click()
    response = _form(page, device.text("Official response"))
    response.get_by_role("textbox").fill("Inspectors sealed the outlet; the mill is fined.")
    response.get_by_role("button", name=device.text("Official response")).click()
    expect(page.locator(".timeline li.official")).to_contain_text("Inspectors sealed the outlet")

    # The public page marks it as official, with the agency's name.
    sign_in_as(page, live_server, None)
    page.goto(f"/cases/{case.pk}/")
    official = page.locator(".timeline li", has_text="Inspectors sealed the outlet")
    expect(official).to_contain_text(device.text("Official response"))
    expect(official).to_contain_text("bengbu-eeb")

    # Anyone reads the agency's response time on the accountability page.
    page.goto("/")
    open_menu(page)
    page.get_by_role("link", name=device.text("Accountability"), exact=True).click()
    with translation.override(device.language):
        sixty_six_hours = readable_duration(timedelta(hours=66))
    agency_row = page.locator("table.league tr", has_text="bengbu-eeb")
    expect(agency_row).to_contain_text(re.compile(re.escape(sixty_six_hours)))
