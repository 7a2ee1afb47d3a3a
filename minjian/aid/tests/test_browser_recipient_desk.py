"""A hospital's supplies desk in a real browser (Debian's Chromium), on a 390 px phone in
Chinese and on a desktop in English: where she lands after signing in she sees the
deliveries to confirm, opens one, counts what arrived (two boxes damaged, two missing),
and reads what she confirmed; the shortfall and the damage show in the ledger; no page
shows her a field only the organisers fill in, and none scrolls sideways."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from playwright.sync_api import Page, expect

from conftest import (
    Device,
    browser_test,
    on_every_device,
    scrolls_sideways,
    sign_in_as,
    use_device,
)
from minjian.accounts.tests.factories import make_user
from minjian.aid import services
from minjian.aid.models import Shipment
from minjian.aid.tests.factories import accepted_pledge, add_need, add_recipient, make_drive
from minjian.places.models import Region

pytestmark = browser_test


def _deliveries(device: Device, count: int) -> str:
    with translation.override(device.language):
        return translation.ngettext(
            "%(counter)s delivery to confirm", "%(counter)s deliveries to confirm", count
        ) % {"counter": count}


def _sees_no_organisers_field(page: Page) -> None:
    assert page.locator("[name=on_behalf_reason]").count() == 0, page.url
    assert page.locator("a[href*='/organise/']").count() == 0, page.url
    assert not scrolls_sideways(page), page.url


@on_every_device
def test_recipient_desk_confirms_a_delivery_with_damage_and_sees_no_organisers_field(
    page: Page, live_server: Any, regions: dict[str, Region], device: Device
) -> None:
    setup = make_drive(title="Masks for Wuhan", title_zh="武汉口罩")
    hospital = add_recipient(setup, "Union Hospital", speaker="union-desk")
    desk = setup.speakers[0]
    suits = setup.item("Protective suit")
    add_need(setup, hospital, suits, 100, "urgent")
    donor = make_user("donor")
    for quantity in (40, 30):
        accepted_pledge(setup, suits, quantity, donor=donor)
    lines = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk).lines
    planned = services.shipment_plan_many(
        actor=setup.organiser,
        drive_id=setup.drive.pk,
        line_ids=list(lines.values_list("pk", flat=True)),
        courier_note="SF Express",
    )
    services.shipment_send_many(
        actor=setup.organiser,
        drive_id=setup.drive.pk,
        shipment_ids=[shipment.pk for shipment in planned],
    )
    first = Shipment.objects.get(line__quantity=40)
    use_device(page, live_server, device)

    # Where she lands after signing in: two deliveries to confirm.
    sign_in_as(page, live_server, desk)
    page.goto("/")
    link = page.get_by_role("link", name=_deliveries(device, 2))
    expect(link).to_be_visible()
    _sees_no_organisers_field(page)
    link.click()
    expect(page.locator(".deliveries li")).to_have_count(2)
    _sees_no_organisers_field(page)

    # She counts the forty suits: 38 arrived, two of them damaged.
    page.locator(f"a[href$='/shipments/{first.pk}/receipt/']").click()
    _sees_no_organisers_field(page)
    expect(page.get_by_label(device.text("Quantity that arrived"))).to_have_value("40")
    page.get_by_label(device.text("Quantity that arrived")).fill("38")
    page.get_by_label(device.text("Of which damaged")).fill("2")
    page.get_by_role("button", name=device.text("Confirm the receipt")).click()
    confirmed = device.text(
        "Receipt of shipment #%(id)d confirmed: %(received)d of %(sent)d arrived."
    ) % {"id": first.pk, "received": 38, "sent": 40}
    expect(page.locator(".messages")).to_contain_text(confirmed)
    expect(page.locator(".messages")).to_contain_text(
        device.text("%(damaged)d damaged.") % {"damaged": 2}
    )
    row = page.locator("table.work tr").filter(has_text=f"#{first.pk}")
    expect(row).to_contain_text(device.text("%(shortfall)s missing") % {"shortfall": 2})
    _sees_no_organisers_field(page)

    # One left to confirm; the ledger shows the damage and the shortfall.
    page.goto("/")
    expect(page.get_by_role("link", name=_deliveries(device, 1))).to_be_visible()
    page.goto(f"/aid/{setup.drive.pk}/ledger/")
    suits_row = page.locator("table.totals tbody tr")
    expect(suits_row.locator("td.figure-received a")).to_have_text("38")
    expect(suits_row.locator("td.warning").first).to_have_text("2")
    _sees_no_organisers_field(page)
