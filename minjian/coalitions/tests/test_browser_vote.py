"""A delegate votes for her organisation in a real browser (Debian's Chromium), on a
phone in Chinese and on a desktop in English; when voting closes, a reader finds the
result, and once an admin states the outcome, it is on the coalition's timeline."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import Device, browser_test, on_every_device, scrolls_sideways, sign_in_as, use_device
from minjian.coalitions.models import Option, Proposal
from minjian.coalitions.tests.factories import make_coalition, open_proposal, vote

pytestmark = browser_test

REASON = "The monitoring data must be public: our members measured the outlets themselves."
OUTCOME = "The coalition writes to the provincial bureau together."


@on_every_device
def test_a_delegate_votes_and_the_outcome_appears(
    console: tuple[Page, list[str]], live_server: Any, device: Device
) -> None:
    page, messages = console
    made = make_coalition()
    proposal = open_proposal(made, title="Write to the bureau together")
    vote(made.members[0], proposal, Option.AGREE)
    delegate = made.members[1].delegate
    use_device(page, live_server, device)

    sign_in_as(page, live_server, delegate)
    page.goto(f"/coalitions/{made.coalition.pk}/")
    page.get_by_role("heading", name="Write to the bureau together").get_by_role("link").click()
    expect(page.locator("#results")).to_contain_text(
        device.text(
            "How the members voted shows when voting closes, or once your organisation has voted."
        )
    )
    page.get_by_label(device.text("agree"), exact=True).check()
    page.get_by_label(device.text("Reason")).fill(REASON)
    page.get_by_role("button", name=device.text("Vote"), exact=True).click()

    expect(page.locator(".messages")).to_contain_text(
        device.text("Your organisation's vote is counted.")
    )
    expect(page.locator("#results")).to_contain_text(REASON)
    assert not scrolls_sideways(page)

    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now())
    sign_in_as(page, live_server, None)
    page.goto(f"/coalitions/{made.coalition.pk}/proposals/{proposal.pk}/")
    expect(page.locator("#outcome")).to_contain_text(device.text("The members agreed."))
    expect(page.locator("#results")).to_contain_text(REASON)
    expect(page.locator("#vote")).to_have_count(0)

    sign_in_as(page, live_server, made.members[2].admin)
    page.goto(f"/coalitions/{made.coalition.pk}/proposals/{proposal.pk}/")
    page.get_by_label(device.text("Outcome"), exact=True).fill(OUTCOME)
    page.get_by_role("button", name=device.text("State the outcome")).click()
    expect(page.locator("#outcome")).to_contain_text(OUTCOME)

    sign_in_as(page, live_server, None)
    page.goto(f"/coalitions/{made.coalition.pk}/")
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text(device.text("outcome stated").capitalize())
    expect(timeline).to_contain_text(device.text("proposal closed").capitalize())
    assert not scrolls_sideways(page)
    problems = [m for m in messages if m.startswith(("error", "pageerror"))]
    assert problems == [], problems
