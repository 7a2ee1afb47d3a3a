"""A drive in a real browser: a need, an anonymous pledge, allocation, shipment, a confirmed
receipt, and the public ledger moving with each step (Debian's Chromium, no outside hosts)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from conftest import browser_test, sign_in_as
from minjian.aid.tests.factories import add_recipient, make_drive

pytestmark = browser_test


def _received_total(page: Page, drive_id: int) -> str:
    page.goto(f"/aid/{drive_id}/ledger/")
    row = page.locator("table.totals tr", has_text="Protective suit")
    return row.locator("td.figure-received a").inner_text()


def test_a_drive_goes_from_need_to_pledge_to_allocation_to_a_confirmed_receipt(
    console: tuple[Page, list[str]], live_server: Any, regions: Any
) -> None:
    page, messages = console
    setup = make_drive()
    hospital = add_recipient(setup, "Union Hospital", speaker="union-desk")
    desk = setup.speakers[0]
    drive_id = setup.drive.pk
    page.goto("/aid/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Aid drives")

    # The hospital states its need.
    sign_in_as(page, live_server, desk)
    page.goto(f"/aid/{drive_id}/recipients/{hospital.pk}/")
    page.get_by_label("Item").select_option(label="Protective suit (suit)")
    page.get_by_label("Quantity needed").fill("100")
    page.get_by_label("Priority").select_option("urgent")
    page.get_by_role("button", name="Save the need").click()
    page.goto(f"/aid/{drive_id}/")
    expect(page.locator(".recipient", has_text="Union Hospital")).to_contain_text("urgent")
    assert _received_total(page, drive_id) == "0"

    # Someone without an account pledges, through the proof of work, and keeps a code.
    sign_in_as(page, live_server, None)
    page.goto(f"/aid/{drive_id}/pledge/")
    page.get_by_label("Item").select_option(label="Protective suit (suit)")
    page.get_by_label("Quantity").fill("40")
    page.get_by_role("button", name="Send the pledge").click()
    expect(page.locator(".receipt-code code")).to_have_text(re.compile(r"^(\w{4}-){4}\w{4}$"))

    # The organiser accepts it, allocates and ships.
    sign_in_as(page, live_server, setup.organiser)
    page.goto(f"/aid/{drive_id}/organise/")
    page.get_by_role("button", name=re.compile(r"^Accept #")).click()
    page.get_by_role("button", name="Run an allocation round").click()
    expect(page.locator(".messages")).to_contain_text("1 lines")
    expect(page.locator("table.work").first).to_contain_text("urgent; 0% met before this round")
    page.get_by_label("Courier note").fill("SF Express 1234")
    page.get_by_role("button", name="Plan the shipment").click()
    page.get_by_role("button", name=re.compile(r"^Mark #\d+ shipped")).click()
    page.goto(f"/aid/{drive_id}/ledger/")
    shipped = page.locator("table.totals tr", has_text="Protective suit").locator(
        "td.figure-shipped a"
    )
    expect(shipped).to_have_text("40")

    # The hospital counts what arrived: 38, two missing, and the ledger shows both.
    sign_in_as(page, live_server, desk)
    page.goto(f"/aid/{drive_id}/recipients/{hospital.pk}/")
    page.get_by_role("link", name=re.compile(r"^Confirm receipt of #")).click()
    page.get_by_label("Quantity that arrived").fill("38")
    page.get_by_role("button", name="Confirm the receipt").click()
    expect(page.locator("body")).to_contain_text("38 of 40 arrived")
    expect(page.locator("body")).to_contain_text("2 missing")
    assert _received_total(page, drive_id) == "38"
    expect(page.locator("figure.chart polyline")).to_have_count(5)

    # Each figure leads to the events it is summed from.
    page.locator("table.totals tr", has_text="Protective suit").locator(
        "td.figure-received a"
    ).click()
    expect(page.locator(".events-total")).to_contain_text("38")
    # No page of the way broke the Content-Security-Policy or threw a script error.
    assert [
        message
        for message in messages
        if "Content Security Policy" in message or message.startswith("pageerror")
    ] == []
