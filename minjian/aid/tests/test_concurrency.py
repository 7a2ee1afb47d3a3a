"""Pledges and receipts sent at the same moment never overshoot a need or a shipment.

Threads each open their own database connection, so the rows are really contended:
only PostgreSQL runs this; SQLite takes one writer at a time and locks the whole
database, so there is no row-level race to test there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from minjian.accounts.tests.factories import make_user
from minjian.aid import services
from minjian.aid.models import Pledge
from minjian.aid.tests.factories import accepted_pledge, add_need, add_recipient, make_drive
from minjian.core.errors import DomainError
from minjian.core.tests.races import ROW_LOCK_RACES, all_at_once

pytestmark = ROW_LOCK_RACES
THREADS = 8


def _all_at_once(action: Callable[[int], object]) -> tuple[list[object], list[DomainError]]:
    """`action` run by THREADS threads at the same moment, each given its number."""
    return all_at_once([partial(action, index) for index in range(THREADS)])


def test_parallel_earmarked_pledges_never_promise_more_than_the_need(regions: Any) -> None:
    setup = make_drive()
    suits = setup.item("Protective suit")
    hospital = add_recipient(setup, "Union Hospital")
    need = add_need(setup, hospital, suits, 100, "urgent")

    done, refused = _all_at_once(
        lambda _index: services.pledge_make(
            actor=None,
            drive_id=setup.drive.pk,
            item_id=suits.pk,
            quantity=30,
            earmarked_recipient_id=hospital.pk,
        )
    )
    assert len(done) == 3 and len(refused) == THREADS - 3
    assert {error.code for error in refused} == {"need_overshoot"}
    promised = sum(pledge.quantity for pledge in Pledge.objects.filter(earmarked_need=need))
    assert promised == 90


def test_parallel_receipts_of_one_shipment_count_once(regions: Any) -> None:
    setup = make_drive()
    suits = setup.item("Protective suit")
    hospital = add_recipient(setup, "Union Hospital")
    add_need(setup, hospital, suits, 100, "urgent")
    accepted_pledge(setup, suits, 40, donor=make_user("donor"))
    line = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk).lines.get()
    shipment = services.shipment_plan(actor=setup.organiser, line_id=line.pk)
    services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)

    done, refused = _all_at_once(
        lambda _index: services.shipment_confirm_receipt(
            actor=setup.speakers[0], shipment_id=shipment.pk, received_quantity=40
        )
    )
    assert len(done) == 1
    assert {error.code for error in refused} == {"not_in_transit"}
    received = setup.drive.events.filter(figure="received")
    assert [event.delta for event in received] == [40]


def test_parallel_allocation_rounds_never_hand_out_a_pledge_twice(regions: Any) -> None:
    setup = make_drive()
    suits = setup.item("Protective suit")
    for name in ("Union Hospital", "Tongji Hospital", "Jinyintan Hospital"):
        add_need(setup, add_recipient(setup, name), suits, 100, "urgent")
    pledge_id = accepted_pledge(setup, suits, 50, donor=make_user("donor"))

    _all_at_once(
        lambda _index: services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)
    )
    pledge = Pledge.objects.get(pk=pledge_id)
    assert sum(line.quantity for line in pledge.allocation_lines.all()) == 50
