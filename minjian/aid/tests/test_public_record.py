"""Aid drives in the public record (`minjian.record`): the drive when it is created, then
every event of its log as the public events page shows it, the ledger's figures summing to
what the ledger shows; never an account, a receipt digest or a courier's note."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from minjian.accounts.tests.factories import make_user
from minjian.aid import services
from minjian.aid.models import AllocationLine, DriveEvent, Pledge
from minjian.aid.tests.factories import accepted_pledge, add_need, add_recipient, make_drive
from minjian.record.models import Checkpoint, Entry, Head
from minjian.record.tests.factories import sealed_record

pytestmark = pytest.mark.django_db


def _drive_through_its_ledger(regions: Any) -> Any:
    setup = make_drive(title="Masks for Wuhan", title_zh="武汉口罩")
    hospital = add_recipient(setup, "Union Hospital", speaker="union-desk")
    masks = setup.item("N95 respirator")
    add_need(setup, hospital, masks, 300, priority="urgent")
    accepted_pledge(setup, masks, 200, donor=make_user("generous-donor"))
    anonymous = services.pledge_make(
        actor=None, drive_id=setup.drive.pk, item_id=masks.pk, quantity=50
    )
    services.pledge_accept(actor=setup.organiser, pledge_id=anonymous.pledge.pk)
    services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)
    lines = AllocationLine.objects.filter(round__drive=setup.drive)
    shipments = services.shipment_plan_many(
        actor=setup.organiser,
        drive_id=setup.drive.pk,
        line_ids=[line.pk for line in lines],
        courier_note="顺丰 driver 13912345678",
    )
    for shipment in shipments:
        services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)
        services.shipment_confirm_receipt(
            actor=setup.organiser,
            shipment_id=shipment.pk,
            received_quantity=shipment.line.quantity,
            on_behalf_reason="The ward's phone is down.",
        )
    return setup


def test_a_drive_and_every_event_of_its_log_enter_the_record(regions: Any) -> None:
    setup = _drive_through_its_ledger(regions)

    entries = sealed_record("drive")

    published, *events = entries
    assert published["kind"] == "drive.published"
    assert published["body"]["title_zh"] == "武汉口罩"
    assert published["body"]["region"] == "420100"
    logged = DriveEvent.objects.filter(drive=setup.drive).exclude(kind="created")
    assert [entry["kind"] for entry in events] == ["drive.event"] * logged.count()
    assert [entry["body"]["id"] for entry in events] == list(
        logged.order_by("id").values_list("id", flat=True)
    )
    allocated = [entry["body"] for entry in events if entry["body"]["kind"] == "allocated"]
    assert allocated and all(body["explanation"] for body in allocated)
    assert allocated[0]["recipient"]["name"] == "Union Hospital"
    assert allocated[0]["item"]["name_en"] == "N95 respirator"
    received = [entry["body"] for entry in events if entry["body"]["kind"] == "received"]
    assert received[0]["on_behalf_reason"] == "The ward's phone is down."


def test_the_records_figures_sum_to_the_ledger(regions: Any) -> None:
    setup = _drive_through_its_ledger(regions)

    recorded: Counter[str] = Counter()
    for entry in sealed_record("drive")[1:]:
        recorded[entry["body"]["figure"]] += entry["body"]["delta"]
    logged: Counter[str] = Counter()
    for figure, delta in DriveEvent.objects.filter(drive=setup.drive).values_list(
        "figure", "delta"
    ):
        logged[figure] += delta

    assert +recorded == +logged
    assert recorded["received"] == recorded["allocated"] == 250


def test_no_account_receipt_or_courier_note_enters_the_record(regions: Any) -> None:
    _drive_through_its_ledger(regions)

    text = str(sealed_record("drive"))

    for private in ("organiser", "generous-donor", "union-desk", "13912345678", "顺丰"):
        assert private not in text
    for digest in Pledge.objects.exclude(receipt_digest="").values_list(
        "receipt_digest", flat=True
    ):
        assert digest not in text


def test_a_drive_from_before_the_record_is_backfilled_as_it_was_written(regions: Any) -> None:
    _drive_through_its_ledger(regions)
    live = [(e["subject"], e["kind"], e["at"], e["body"]) for e in sealed_record("drive")]
    for table in (Entry, Checkpoint, Head):  # an instance from before the record
        table.objects.all().delete()

    call_command("record_backfill", stdout=StringIO())

    assert [(e["subject"], e["kind"], e["at"], e["body"]) for e in sealed_record("drive")] == live
