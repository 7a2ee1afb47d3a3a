"""A donor without an account in a real browser (Debian's Chromium, no outside hosts):
she pledges through the proof of work, keeps the receipt code shown once (a reload
shows it no more and sends nothing), and follows her pledge with it as the organisers
allocate and ship it, while the public ledger moves with each step."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from conftest import browser_test, sign_in_as
from minjian.aid import services
from minjian.aid.models import Pledge
from minjian.aid.tests.factories import add_need, add_recipient, make_drive

pytestmark = browser_test


def test_an_anonymous_donor_pledges_keeps_her_code_and_follows_her_pledge(
    console: tuple[Page, list[str]], live_server: Any, regions: Any
) -> None:
    page, messages = console
    setup = make_drive()
    hospital = add_recipient(setup, "Union Hospital", speaker="union-desk")
    suits = setup.item("Protective suit")
    add_need(setup, hospital, suits, 100, "urgent")
    drive_id = setup.drive.pk
    page.goto("/aid/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Aid drives")

    # She pledges, through the proof of work, and lands on her receipt code.
    sign_in_as(page, live_server, None)
    page.goto(f"/aid/{drive_id}/pledge/")
    page.get_by_label("Item").select_option(label="Protective suit (suit)")
    page.get_by_label("Quantity").fill("40")
    page.get_by_role("button", name="Send the pledge").click()
    expect(page).to_have_url(re.compile(rf"/aid/{drive_id}/pledge/receipt/$"))
    code = page.locator(".receipt-code code")
    expect(code).to_have_text(re.compile(r"^(\w{4}-){4}\w{4}$"))
    receipt_code = code.inner_text()

    # Reloading sends nothing again, and the code is not shown a second time.
    page.reload()
    expect(page.locator("h1")).to_have_text("Your receipt code was shown once")
    assert Pledge.objects.count() == 1

    # The organisers accept, allocate and ship it; the ledger moves with each step.
    pledge = Pledge.objects.get()
    services.pledge_accept(actor=setup.organiser, pledge_id=pledge.pk)
    line = services.drive_allocate(actor=setup.organiser, drive_id=drive_id).lines.get()
    shipment = services.shipment_plan(actor=setup.organiser, line_id=line.pk)
    services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)
    page.goto(f"/aid/{drive_id}/ledger/")
    totals = page.locator("table.totals tr", has_text="Protective suit")
    expect(totals.locator("td.figure-shipped a")).to_have_text("40")
    expect(page.locator("figure.chart polyline")).to_have_count(5)
    totals.locator("td.figure-shipped a").click()
    expect(page.locator(".events-total")).to_contain_text("40")

    # With the code she finds where her pledge went.
    page.get_by_role("link", name="Back to the ledger").click()
    page.goto(f"/aid/{drive_id}/pledge/follow/")
    page.get_by_label("Receipt code").fill(receipt_code.lower())
    page.get_by_role("button", name="Show my pledge").click()
    expect(page.locator("body")).to_contain_text("40 → Union Hospital")
    expect(page.locator("body")).to_contain_text("shipped")
    # No page of the way broke the Content-Security-Policy or threw a script error.
    assert [
        message
        for message in messages
        if "Content Security Policy" in message or message.startswith("pageerror")
    ] == []
