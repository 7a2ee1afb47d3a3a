"""Bad input changes nothing: each refusal has a clear code, and no row or event is written."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from minjian.accounts.tests.factories import make_user
from minjian.aid import services
from minjian.aid.models import AllocationLine, DriveEvent, Need, Pledge, Shipment
from minjian.aid.tests.factories import (
    DriveSetup,
    accepted_pledge,
    add_need,
    add_recipient,
    make_drive,
)
from minjian.core.errors import DomainError

pytestmark = pytest.mark.django_db


@given(st.integers(min_value=1, max_value=services.MAX_QUANTITY))
def test_whole_positive_counts_are_taken_as_numbers_or_text(count: int) -> None:
    assert services.whole_quantity(count) == count
    assert services.whole_quantity(str(count)) == count
    assert services.whole_quantity(float(count)) == count


@given(
    st.one_of(
        st.integers(max_value=0),
        st.floats(allow_nan=True).filter(
            lambda number: not float(number).is_integer() or number <= 0
        ),
        st.text().filter(lambda text: not re.fullmatch(r"\s*0*[1-9][0-9]*\s*", text)),
        st.booleans(),
        st.none(),
        st.integers(min_value=services.MAX_QUANTITY + 1),
    )
)
def test_anything_but_a_whole_positive_count_is_refused(value: object) -> None:
    with pytest.raises(DomainError) as refused:
        services.whole_quantity(value)
    assert refused.value.code in {
        "quantity_not_whole",
        "quantity_not_positive",
        "quantity_missing",
        "quantity_too_large",
    }


def _state() -> tuple[int | None, ...]:
    return tuple(
        model.objects.count() for model in (Need, Pledge, AllocationLine, Shipment, DriveEvent)
    ) + tuple(Shipment.objects.values_list("received_quantity", flat=True))


def _refused(action: Callable[[], object], code: str) -> None:
    before = _state()
    with pytest.raises(DomainError) as refused:
        action()
    assert refused.value.code == code
    assert refused.value.message
    assert _state() == before


@pytest.fixture
def shipped(regions: Any) -> tuple[DriveSetup, Shipment]:
    setup = make_drive()
    suits = setup.item("Protective suit")
    hospital = add_recipient(setup, "Union Hospital")
    add_need(setup, hospital, suits, 100, "urgent")
    accepted_pledge(setup, suits, 40, donor=make_user("donor"))
    line = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk).lines.get()
    shipment = services.shipment_plan(actor=setup.organiser, line_id=line.pk)
    return setup, services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        (0, "quantity_not_positive"),
        (-5, "quantity_not_positive"),
        (2.5, "quantity_not_whole"),
        ("1.5", "quantity_not_whole"),
        ("ten", "quantity_not_whole"),
    ],
)
def test_bad_quantities_are_refused_everywhere(
    shipped: tuple[DriveSetup, Shipment], quantity: object, code: str
) -> None:
    setup, shipment = shipped
    suits = setup.item("Protective suit")
    hospital = setup.recipients[0]
    _refused(
        lambda: services.pledge_make(
            actor=None, drive_id=setup.drive.pk, item_id=suits.pk, quantity=quantity
        ),
        code,
    )
    _refused(
        lambda: services.need_set(
            actor=setup.organiser,
            recipient_id=hospital.pk,
            item_id=suits.pk,
            quantity=quantity,
            priority="high",
        ),
        code,
    )
    if quantity != 0:  # nothing arriving is a receipt worth recording
        _refused(
            lambda: services.shipment_confirm_receipt(
                actor=setup.speakers[0], shipment_id=shipment.pk, received_quantity=quantity
            ),
            code,
        )


def test_unknown_items_closed_drives_and_overshooting_receipts_are_refused(
    shipped: tuple[DriveSetup, Shipment],
) -> None:
    setup, shipment = shipped
    other = make_drive(organiser=make_user("other-organiser"), title="Another drive")
    foreign_item = other.item("Goggles")
    _refused(
        lambda: services.pledge_make(
            actor=None, drive_id=setup.drive.pk, item_id=foreign_item.pk, quantity=1
        ),
        "unknown_item",
    )
    _refused(
        lambda: services.pledge_make(
            actor=None, drive_id=setup.drive.pk, item_id="masks", quantity=1
        ),
        "unknown_item",
    )
    setup.drive.ends_at = timezone.now() - timedelta(minutes=1)
    setup.drive.save()
    _refused(
        lambda: services.pledge_make(
            actor=None, drive_id=setup.drive.pk, item_id=setup.item("Goggles").pk, quantity=1
        ),
        "drive_closed",
    )
    _refused(
        lambda: services.shipment_confirm_receipt(
            actor=setup.speakers[0], shipment_id=shipment.pk, received_quantity=41
        ),
        "receipt_above_shipped",
    )
    _refused(
        lambda: services.shipment_confirm_receipt(
            actor=setup.speakers[0],
            shipment_id=shipment.pk,
            received_quantity=30,
            returned_quantity=11,
        ),
        "receipt_above_shipped",
    )
    _refused(
        lambda: services.shipment_confirm_receipt(
            actor=make_user("impostor"), shipment_id=shipment.pk, received_quantity=40
        ),
        "not_entitled",
    )
    _refused(
        lambda: services.shipment_confirm_receipt(
            actor=None, shipment_id=shipment.pk, received_quantity=40
        ),
        "not_entitled",
    )


def test_an_earmarked_pledge_cannot_promise_more_than_the_need_lacks(regions: Any) -> None:
    setup = make_drive()
    suits = setup.item("Protective suit")
    hospital = add_recipient(setup, "Union Hospital")
    add_need(setup, hospital, suits, 10, "urgent")
    services.pledge_make(
        actor=None,
        drive_id=setup.drive.pk,
        item_id=suits.pk,
        quantity=6,
        earmarked_recipient_id=hospital.pk,
    )
    _refused(
        lambda: services.pledge_make(
            actor=None,
            drive_id=setup.drive.pk,
            item_id=suits.pk,
            quantity=5,
            earmarked_recipient_id=hospital.pk,
        ),
        "need_overshoot",
    )


def test_a_need_cannot_fall_below_what_is_allocated(shipped: tuple[DriveSetup, Shipment]) -> None:
    setup, _shipment = shipped
    _refused(
        lambda: services.need_set(
            actor=setup.organiser,
            recipient_id=setup.recipients[0].pk,
            item_id=setup.item("Protective suit").pk,
            quantity=39,
            priority="urgent",
        ),
        "need_below_allocated",
    )


def test_the_database_itself_refuses_impossible_rows(shipped: tuple[DriveSetup, Shipment]) -> None:
    _setup, shipment = shipped
    with pytest.raises(IntegrityError), transaction.atomic():
        Shipment.objects.filter(pk=shipment.pk).update(
            state="received", received_quantity=models.F("sent_quantity") + 1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(drive=_setup.drive).update(quantity=0)
