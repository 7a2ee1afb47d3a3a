"""The organiser of an aid drive in a real browser (Debian's Chromium), on a 390 px phone
in Chinese and on a desktop in English: she starts a drive, registers two hospitals and
their needs, verifies them, sets the smallest line of suits, accepts the pledges that
came in, runs an allocation round (no line below the smallest but a whole pledge), plans
and ships the lines in bulk, and reads the ledger. Every step says what it did, in the
past tense, and no page scrolls sideways."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone, translation
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
from minjian.aid.models import AllocationLine, Drive, Pledge, Shipment
from minjian.places.models import Region

pytestmark = browser_test

HOSPITALS = (
    ("Union Hospital", "420102", "100", "urgent"),
    ("Tongji Hospital", "420106", "60", "high"),
)
# Pledges that come in while she works; cut to the unit, the second would be split 17 + 8.
PLEDGED = (25, 25, 13)
SMALLEST_LINE = 10


def _said(page: Page, device: Device, message: str, **values: object) -> None:
    expect(page.locator(".messages")).to_contain_text(device.text(message) % values)
    assert not scrolls_sideways(page), page.url


def _plural(device: Device, singular: str, plural: str, number: int, **values: object) -> str:
    with translation.override(device.language):
        return translation.ngettext(singular, plural, number) % values


def _local(moment: Any) -> str:
    return str(timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M"))


@on_every_device
def test_organiser_starts_a_drive_allocates_without_tiny_lines_and_ships_in_bulk(
    page: Page, live_server: Any, regions: dict[str, Region], device: Device
) -> None:
    use_device(page, live_server, device)
    sign_in_as(page, live_server, make_user("organiser"))

    # She starts the drive, titled in both languages.
    page.goto("/aid/")
    page.get_by_role("link", name=device.text("Start a drive")).click()
    page.get_by_label(device.text("Title in Chinese")).fill("武汉口罩")
    page.get_by_label(device.text("Title in English")).fill("Masks for Wuhan")
    page.get_by_label(device.text("Region code")).fill("420100")
    now = timezone.now()
    page.get_by_label(device.text("Starts")).fill(_local(now - timedelta(days=1)))
    page.get_by_label(device.text("Ends")).fill(_local(now + timedelta(days=30)))
    page.get_by_role("button", name=device.text("Start the drive")).click()
    title = "武汉口罩" if device.language.startswith("zh") else "Masks for Wuhan"
    _said(
        page,
        device,
        "Drive “%(title)s” started. Add recipients and their needs, or let them register.",
        title=title,
    )
    drive = Drive.objects.get()
    suits = drive.items.get(name_en="Protective suit")
    organise = f"/aid/{drive.pk}/organise/"

    # She registers two hospitals and their needs, and verifies them.
    for name, district, quantity, priority in HOSPITALS:
        page.goto(f"/aid/{drive.pk}/recipients/new/")
        page.get_by_label(device.text("Name"), exact=True).fill(name)
        page.get_by_label(device.text("Region"), exact=True).select_option(district)
        page.get_by_role("button", name=device.text("Register"), exact=True).click()
        _said(
            page,
            device,
            "%(name)s registered. The organisers verify it before anything is allocated to it.",
            name=name,
        )
        page.get_by_label(device.text("Item"), exact=True).select_option(str(suits.pk))
        page.get_by_label(device.text("Quantity needed")).fill(quantity)
        page.get_by_label(device.text("Priority")).select_option(priority)
        page.get_by_role("button", name=device.text("Save the need")).click()
        expect(page.locator(".messages")).to_contain_text(quantity)
        page.goto(organise)
        page.get_by_role("button", name=device.text("Verify %(name)s") % {"name": name}).click()
        _said(page, device, "%(name)s verified: allocation rounds now meet its needs.", name=name)

    # Suits travel in cartons of ten: no line smaller than that.
    page.get_by_label(device.text("Item"), exact=True).select_option(str(suits.pk))
    page.get_by_label(device.text("Smallest line")).fill(str(SMALLEST_LINE))
    page.get_by_role("button", name=device.text("Set the smallest line")).click()
    _said(
        page,
        device,
        "Smallest line of %(item)s set to %(quantity)d %(unit)s.",
        item=_in(device, suits, "name"),
        quantity=SMALLEST_LINE,
        unit=_in(device, suits, "unit"),
    )

    # Pledges come in; she accepts each.
    for pledged in PLEDGED:
        services.pledge_make(actor=None, drive_id=drive.pk, item_id=suits.pk, quantity=pledged)
    page.goto(organise)
    for pledge in Pledge.objects.order_by("pk"):
        page.get_by_role("button", name=device.text("Accept #%(id)s") % {"id": pledge.pk}).click()
        expect(page.locator(".messages")).to_contain_text(f"#{pledge.pk}")
        assert not scrolls_sideways(page)

    # One round: Union (urgent) gets 40, Tongji 23, and no line is below ten units.
    page.get_by_role("button", name=device.text("Run an allocation round")).click()
    lines = list(AllocationLine.objects.order_by("pk"))
    expect(page.locator(".messages")).to_contain_text(
        _plural(
            device,
            "Allocation round run: %(units)d units allocated in %(lines)d line.",
            "Allocation round run: %(units)d units allocated in %(lines)d lines.",
            len(lines),
            units=sum(PLEDGED),
            lines=len(lines),
        )
    )
    assert sorted(line.quantity for line in lines) == [10, 13, 15, 25]

    # She plans every line at once, then marks them all shipped at once.
    plan = page.locator(f"form[action='{organise}plan/']")
    for box in plan.locator("input[name=targets]").all():
        box.check()
    plan.get_by_label(device.text("Courier note")).fill("SF Express")
    plan.get_by_role("button", name=device.text("Plan the ticked shipments")).click()
    expect(page.locator(".messages")).to_contain_text(
        _plural(
            device,
            "%(count)d shipment planned.",
            "%(count)d shipments planned.",
            len(lines),
            count=len(lines),
        )
    )
    ship = page.locator(f"form[action='{organise}ship/']")
    for box in ship.locator("input[name=targets]").all():
        box.check()
    ship.get_by_role("button", name=device.text("Mark the ticked shipments as shipped")).click()
    expect(page.locator(".messages")).to_contain_text(
        _plural(
            device,
            "%(count)d shipment marked as shipped.",
            "%(count)d shipments marked as shipped.",
            len(lines),
            count=len(lines),
        )
    )
    assert Shipment.objects.filter(state=Shipment.State.SHIPPED).count() == len(lines)
    assert not scrolls_sideways(page)

    # The ledger: all 63 shipped; the supply pledged to the drive as a whole all allocated.
    page.locator(".drive-nav").get_by_role("link", name=device.text("Ledger")).click()
    totals = page.locator("table.totals tr").filter(has_text=_in(device, suits, "name"))
    expect(totals.locator("td.figure-shipped a")).to_have_text(str(sum(PLEDGED)))
    general = page.locator("table.general-supply tbody tr")
    expect(general.locator("td.figure-pledged a")).to_have_text(str(sum(PLEDGED)))
    expect(general.locator("td.figure-waiting")).to_have_text("0")
    assert not scrolls_sideways(page)


def _in(device: Device, item: Any, field: str) -> str:
    """An item's name or unit as the device's language shows it."""
    with translation.override(device.language):
        return str(getattr(item, field))
