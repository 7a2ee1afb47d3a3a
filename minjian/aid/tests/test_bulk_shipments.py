"""Planning and sending many shipments at once: one shipment and one event for each line,
all of them or none."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.tests.factories import make_user
from minjian.aid import services
from minjian.aid.models import AllocationLine, DriveEvent, Shipment
from minjian.aid.tests.factories import (
    DriveSetup,
    accepted_pledge,
    add_need,
    add_recipient,
    make_drive,
)
from minjian.core.errors import DomainError

pytestmark = pytest.mark.django_db
ENGLISH = {"Accept-Language": "en"}
CHINESE = {"Accept-Language": "zh-hans"}


@pytest.fixture
def allocated(regions: Any) -> DriveSetup:
    """Three hospitals, each allocated a line of suits."""
    setup = make_drive()
    suits = setup.item("Protective suit")
    donor = make_user("donor")
    for name in ("Union Hospital", "Tongji Hospital", "Jinyintan Hospital"):
        hospital = add_recipient(setup, name)
        add_need(setup, hospital, suits, 30, "urgent")
        accepted_pledge(setup, suits, 30, donor=donor, recipient=hospital)
    services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)
    return setup


def _lines(setup: DriveSetup) -> list[int]:
    return list(
        AllocationLine.objects.filter(need__recipient__drive=setup.drive)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _kinds(setup: DriveSetup) -> list[str]:
    return list(setup.drive.events.values_list("kind", flat=True))


def test_planning_and_sending_many_writes_one_shipment_and_one_event_each(
    allocated: DriveSetup,
) -> None:
    lines = _lines(allocated)
    planned = services.shipment_plan_many(
        actor=allocated.organiser,
        drive_id=allocated.drive.pk,
        line_ids=lines,
        courier_note="SF Express",
    )
    assert [shipment.line_id for shipment in planned] == lines
    assert _kinds(allocated).count(DriveEvent.Kind.SHIPMENT_PLANNED) == 3
    sent = services.shipment_send_many(
        actor=allocated.organiser,
        drive_id=allocated.drive.pk,
        shipment_ids=[shipment.pk for shipment in planned],
    )
    assert {(shipment.state, shipment.sent_quantity) for shipment in sent} == {("shipped", 30)}
    shipped = allocated.drive.events.filter(kind=DriveEvent.Kind.SHIPPED)
    assert {event.recipient_id for event in shipped} == {
        recipient.pk for recipient in allocated.recipients
    }
    assert shipped.count() == 3
    assert sum(event.delta for event in shipped) == 90


@pytest.mark.parametrize("trouble", ["already_planned", "another_drive", "unknown", "none"])
def test_one_line_refused_plans_none_of_them(allocated: DriveSetup, trouble: str) -> None:
    lines = _lines(allocated)
    if trouble == "already_planned":
        services.shipment_plan(actor=allocated.organiser, line_id=lines[1])
    elif trouble == "another_drive":
        other = make_drive(organiser=allocated.organiser, title="Another drive")
        hospital = add_recipient(other, "Wuchang Hospital", speaker="wuchang-desk")
        add_need(other, hospital, other.item("Goggles"), 5)
        accepted_pledge(other, other.item("Goggles"), 5, donor=make_user("other-donor"))
        lines.append(
            services.drive_allocate(actor=allocated.organiser, drive_id=other.drive.pk)
            .lines.get()
            .pk
        )
    elif trouble == "unknown":
        lines.append(999_999)
    else:
        lines = []
    shipments_before = Shipment.objects.count()
    events_before = DriveEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.shipment_plan_many(
            actor=allocated.organiser, drive_id=allocated.drive.pk, line_ids=lines
        )
    assert refused.value.code in {"already_shipped", "unknown_line", "nothing_chosen"}
    assert (Shipment.objects.count(), DriveEvent.objects.count()) == (
        shipments_before,
        events_before,
    )


def test_one_shipment_refused_sends_none_of_them(allocated: DriveSetup) -> None:
    planned = services.shipment_plan_many(
        actor=allocated.organiser, drive_id=allocated.drive.pk, line_ids=_lines(allocated)
    )
    services.shipment_send(actor=allocated.organiser, shipment_id=planned[2].pk)
    with pytest.raises(DomainError) as refused:
        services.shipment_send_many(
            actor=allocated.organiser,
            drive_id=allocated.drive.pk,
            shipment_ids=[shipment.pk for shipment in planned],
        )
    assert refused.value.code == "already_shipped"
    assert Shipment.objects.filter(state=Shipment.State.SHIPPED).count() == 1


def test_only_organisers_plan_in_bulk(allocated: DriveSetup) -> None:
    with pytest.raises(DomainError) as refused:
        services.shipment_plan_many(
            actor=make_user("stranger"), drive_id=allocated.drive.pk, line_ids=_lines(allocated)
        )
    assert refused.value.status == 403 and not Shipment.objects.exists()


def test_the_organisers_page_ticks_lines_and_says_what_it_did(
    allocated: DriveSetup, client: Client
) -> None:
    client.force_login(allocated.organiser)
    desk = f"/aid/{allocated.drive.pk}/organise/"
    lines = _lines(allocated)
    # A message is put in the language of the request that did the work.
    client.post(
        f"{desk}plan/",
        {"targets": lines[:2], "courier_note": "Volunteer drivers"},
        headers=ENGLISH,
    )
    planned = client.get(desk, headers=ENGLISH).content.decode()
    assert "2 shipments planned." in planned
    assert Shipment.objects.filter(courier_note="Volunteer drivers").count() == 2
    # Ticking one already planned refuses the whole form, and says why.
    client.post(f"{desk}plan/", {"targets": lines}, headers=ENGLISH)
    refused = client.get(desk, headers=ENGLISH).content.decode()
    assert "This allocation already has its shipment." in refused
    assert Shipment.objects.count() == 2
    # Nothing ticked: nothing done, and a reason.
    client.post(f"{desk}ship/", {}, headers=ENGLISH)
    assert "Choose at least one." in client.get(desk, headers=ENGLISH).content.decode()
    shipments = list(Shipment.objects.values_list("pk", flat=True))
    client.post(f"{desk}ship/", {"targets": shipments}, headers=CHINESE)
    sent = client.get(desk, headers=CHINESE).content.decode()
    assert "已将 2 批货标为已发出。" in sent
    assert Shipment.objects.filter(state=Shipment.State.SHIPPED).count() == 2
