"""Issue 4 in a real browser: an NGO member finds a new case in her inbox and in her
mail, acknowledges it, the agency answers officially, and the agency's response
time appears on the public accountability page (Debian's Chromium; mail through a
real SMTP server)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from conftest import browser_test, sign_in_as
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.notify.tests.mailbox import Inbox, link, subject
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.routing.tests.helpers import subscribed

pytestmark = browser_test

TITLE = "Paper mill dumps black water into the Huai at night"


def _form(page: Page, heading: str) -> Locator:
    return page.locator("form").filter(has=page.get_by_role("heading", name=heading))


def test_ngo_member_gets_the_case_in_inbox_and_mail_and_the_agency_answer_time_is_public(
    page: Page, live_server: Any, smtp: Inbox, regions: dict[str, Region]
) -> None:
    lin = make_user("lin", email="lin@green-huai.example.org")
    wang = make_user("wang", email="")
    subscribed("green-huai", topic="environment", region=regions["340000"], members=(lin,))
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
    assert case.state == Case.State.PUBLISHED

    # The mail reached her at once, and its link opens the case.
    (message,) = smtp.to("lin@green-huai.example.org")
    assert TITLE in subject(message)
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.goto(link(message, rf"/cases/{case.pk}/"))
    expect(page.locator("h1")).to_have_text(TITLE)

    # Her inbox has it; she acknowledges it for her organisation.
    sign_in_as(page, live_server, lin)
    page.goto("/")
    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name=re.compile("green-huai")).first.click()
    page.get_by_role("link", name=TITLE).click()
    acknowledge = _form(page, "Acknowledge")
    acknowledge.get_by_label("Public note (optional)").fill("We are sending someone to the outlet.")
    acknowledge.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".timeline")).to_contain_text("We are sending someone to the outlet.")
    assert CaseEvent.objects.filter(
        case=case, kind=CaseEvent.Kind.ACKNOWLEDGED, organisation__slug="green-huai"
    ).exists()

    # The agency answers officially; the public page marks it as official.
    sign_in_as(page, live_server, wang)
    page.goto("/inbox/bengbu-eeb/")
    page.get_by_role("link", name=TITLE).click()
    response = _form(page, "Official response")
    response.get_by_role("textbox").fill("Inspectors sealed the outlet; the mill is fined.")
    response.get_by_role("button", name="Official response").click()
    page.goto(f"/cases/{case.pk}/")
    official = page.locator(".timeline li", has_text="Inspectors sealed the outlet")
    expect(official).to_contain_text("Official response")
    expect(official).to_contain_text("bengbu-eeb")

    # Anyone reads the agency's response time on the accountability page.
    sign_in_as(page, live_server, None)
    page.goto("/")
    page.get_by_role("link", name="Accountability").click()
    agency_row = page.locator("table.league tr", has_text="bengbu-eeb")
    expect(agency_row).to_contain_text("66 hours")
