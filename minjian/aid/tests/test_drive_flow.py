"""A drive from needs to pledges to allocation to shipments and receipts, through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from minjian.accounts.tests.factories import make_user
from minjian.aid import access, services
from minjian.aid.explanations import explanation_text
from minjian.aid.models import AllocationLine, DriveEvent, Pledge, Shipment
from minjian.aid.tests.factories import accepted_pledge, add_need, add_recipient, make_drive
from minjian.cases.receipts import receipt_digest
from minjian.core.errors import DomainError
from minjian.orgs.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def test_a_new_drive_has_the_standard_catalogue_and_organisers_add_items(regions: Any) -> None:
    setup = make_drive()
    names = set(setup.drive.items.values_list("name_en", flat=True))
    assert {"Protective suit", "N95 respirator", "Surgical mask", "Oxygen concentrator"} <= names
    item = services.item_add(
        actor=setup.organiser,
        drive_id=setup.drive.pk,
        name_zh="隔离衣",
        name_en="Isolation gown",
        unit_zh="件",
        unit_en="gown",
    )
    assert (item.unit_zh, item.unit_en) == ("件", "gown")
    with pytest.raises(DomainError) as refused:
        services.item_add(
            actor=make_user("stranger"),
            drive_id=setup.drive.pk,
            name_zh="床单",
            name_en="Sheet",
            unit_zh="条",
            unit_en="sheet",
        )
    assert refused.value.code == "not_an_organiser"
    assert list(setup.drive.events.values_list("kind", flat=True)) == ["created", "item_added"]


def test_members_of_the_organising_organisation_are_organisers(regions: Any) -> None:
    founder, member = make_user("founder"), make_user("member")
    make_organisation("face-masks-guru", members=[founder, member])
    now = timezone.now()
    drive = services.drive_create(
        actor=founder,
        title_zh="口罩大师",
        title_en="Face Masks Guru",
        description="",
        region_code="420100",
        starts_at=now,
        ends_at=now + timedelta(days=3),
        organisation_slug="face-masks-guru",
    )
    recipient = services.recipient_register(
        actor=make_user("ward"),
        drive_id=drive.pk,
        name="Jinyintan Hospital",
        kind="hospital",
        place="",
        region_code="420102",
    )
    services.recipient_verify(actor=member, recipient_id=recipient.pk)
    recipient.refresh_from_db()
    assert recipient.is_verified


def test_needs_are_set_by_the_recipient_or_organisers_and_each_change_is_an_event(
    regions: Any,
) -> None:
    setup = make_drive()
    hospital = add_recipient(setup, "Union Hospital")
    suits = setup.item("Protective suit")
    services.need_set(
        actor=setup.speakers[0],
        recipient_id=hospital.pk,
        item_id=suits.pk,
        quantity=500,
        priority="urgent",
    )
    services.need_set(
        actor=setup.organiser,
        recipient_id=hospital.pk,
        item_id=suits.pk,
        quantity=300,
        priority="high",
    )
    with pytest.raises(DomainError) as refused:
        services.need_set(
            actor=make_user("passer-by"),
            recipient_id=hospital.pk,
            item_id=suits.pk,
            quantity=1,
            priority="high",
        )
    assert refused.value.code == "not_entitled"
    events = list(setup.drive.events.filter(kind="need_set"))
    assert [(event.delta, event.payload["priority"]) for event in events] == [
        (500, "urgent"),
        (-200, "high"),
    ]
    assert hospital.needs.get().quantity == 300


def test_pledges_by_account_organisation_and_anonymous_donor(regions: Any) -> None:
    setup = make_drive()
    masks = setup.item("Surgical mask")
    donor = make_user("donor")
    make_organisation("red-cross-branch", members=[donor])
    by_account = services.pledge_make(
        actor=donor, drive_id=setup.drive.pk, item_id=masks.pk, quantity=100
    )
    by_organisation = services.pledge_make(
        actor=donor,
        drive_id=setup.drive.pk,
        item_id=masks.pk,
        quantity=200,
        organisation_slug="red-cross-branch",
    )
    anonymous = services.pledge_make(
        actor=None, drive_id=setup.drive.pk, item_id=masks.pk, quantity=50
    )
    assert by_account.receipt_code is None and by_account.pledge.donor == donor
    assert by_organisation.pledge.donor is None
    assert by_organisation.pledge.donor_organisation is not None
    assert anonymous.receipt_code
    # Only the digest of the code is kept, and the code finds the pledge again.
    assert anonymous.pledge.receipt_digest == receipt_digest(anonymous.receipt_code)
    assert anonymous.receipt_code not in str(Pledge.objects.values_list())
    found = access.access_pledge_by_receipt(setup.drive, anonymous.receipt_code.lower())
    assert found.pk == anonymous.pledge.pk

    services.pledge_accept(actor=setup.organiser, pledge_id=by_account.pledge.pk)
    services.pledge_decline(
        actor=setup.organiser, pledge_id=anonymous.pledge.pk, reason="not needed"
    )
    with pytest.raises(DomainError) as again:
        services.pledge_accept(actor=setup.organiser, pledge_id=anonymous.pledge.pk)
    assert again.value.code == "pledge_decided"
    with pytest.raises(DomainError) as stranger:
        services.pledge_accept(actor=donor, pledge_id=by_organisation.pledge.pk)
    assert stranger.value.code == "not_an_organiser"


def test_an_allocation_round_gives_earmarked_supply_directly_and_shares_the_rest_fairly(
    regions: Any,
) -> None:
    setup = make_drive()
    suits = setup.item("Protective suit")
    union = add_recipient(setup, "Union Hospital", region_code="420102")
    tongji = add_recipient(setup, "Tongji Hospital", region_code="420106")
    union_need = add_need(setup, union, suits, 100, "urgent")
    tongji_need = add_need(setup, tongji, suits, 100, "normal")
    donor = make_user("donor")
    earmarked = accepted_pledge(setup, suits, 30, donor=donor, recipient=tongji)
    general = accepted_pledge(setup, suits, 60, donor=donor)
    services.region_weight_set(
        actor=setup.organiser, drive_id=setup.drive.pk, region_code="420106", weight=1.5
    )

    round_ = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)

    lines = list(round_.lines.order_by("id"))
    direct = [line for line in lines if line.pledge_id == earmarked]
    assert [(line.need_id, line.quantity) for line in direct] == [(tongji_need.pk, 30)]
    assert direct[0].explanation["earmarked"] is True
    shared = {line.need_id: line for line in lines if line.pledge_id == general}
    assert sum(line.quantity for line in shared.values()) == 60
    # Urgent (×4) outweighs normal (×1, ×1.5 for the weighted district, and Tongji had
    # 30% met before this round's general share): Union gets more.
    assert shared[union_need.pk].quantity > shared[tongji_need.pk].quantity
    assert shared[union_need.pk].explanation == {
        "earmarked": False,
        "priority": "urgent",
        "met_share": 0.0,
        "region_weight": 1.0,
    }
    assert shared[tongji_need.pk].explanation["region_weight"] == 1.5
    allocated_events = setup.drive.events.filter(kind="allocated")
    assert sum(event.delta for event in allocated_events) == 90
    assert setup.drive.events.filter(kind="allocation_round").count() == 1

    # The second round sees what the first one gave: met_share is 'before this round'.
    services.need_set(
        actor=setup.organiser,
        recipient_id=union.pk,
        item_id=suits.pk,
        quantity=200,
        priority="urgent",
    )
    accepted_pledge(setup, suits, 10, donor=donor)
    second = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)
    union_line = second.lines.get(need=union_need)
    before = shared[union_need.pk].quantity / 200
    assert union_line.explanation["met_share"] == pytest.approx(before)


def test_explanations_read_in_both_languages() -> None:
    data = {"earmarked": False, "priority": "urgent", "met_share": 0.12, "region_weight": 1.0}
    with translation.override("en"):
        assert explanation_text(data) == "urgent; 12% met before this round"
    with translation.override("zh-hans"):
        assert explanation_text(data) == "紧急；本轮前已满足 12%"
    with translation.override("en"):
        weighted = explanation_text(data | {"earmarked": True, "region_weight": 1.5})
    assert (
        weighted == "earmarked by the donor; urgent; 12% met before this round; region weight ×1.5"
    )


def test_unverified_recipients_get_nothing_from_allocation(regions: Any) -> None:
    setup = make_drive()
    suits = setup.item("Protective suit")
    clinic = add_recipient(setup, "Field Clinic", verified=False)
    services.need_set(
        actor=setup.speakers[0],
        recipient_id=clinic.pk,
        item_id=suits.pk,
        quantity=10,
        priority="urgent",
    )
    accepted_pledge(setup, suits, 10, donor=make_user("donor"))
    round_ = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)
    assert round_.lines.count() == 0


def _allocated_line(setup: Any) -> AllocationLine:
    suits = setup.item("Protective suit")
    hospital = add_recipient(setup, "Union Hospital")
    add_need(setup, hospital, suits, 100, "urgent")
    accepted_pledge(setup, suits, 40, donor=make_user("donor"))
    return services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk).lines.get()


def test_a_line_ships_once_and_the_recipient_confirms_what_arrived(regions: Any) -> None:
    setup = make_drive()
    line = _allocated_line(setup)
    shipment = services.shipment_plan(actor=setup.organiser, line_id=line.pk, courier_note="SF")
    with pytest.raises(DomainError) as twice:
        services.shipment_plan(actor=setup.organiser, line_id=line.pk)
    assert twice.value.code == "already_shipped"
    services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)
    with pytest.raises(DomainError) as resend:
        services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)
    assert resend.value.code == "already_shipped"

    received = services.shipment_confirm_receipt(
        actor=setup.speakers[0],
        shipment_id=shipment.pk,
        received_quantity=35,
        damaged_quantity=2,
        returned_quantity=1,
        note="box 3 wet",
    )
    assert received.state == Shipment.State.RECEIVED
    assert (received.sent_quantity, received.received_quantity) == (40, 35)
    assert (received.damaged_quantity, received.returned_quantity, received.shortfall) == (2, 1, 4)
    event = setup.drive.events.get(kind="received")
    assert (event.delta, event.payload["shortfall"], event.payload["damaged"]) == (35, 4, 2)
    with pytest.raises(DomainError) as again:
        services.shipment_confirm_receipt(
            actor=setup.speakers[0], shipment_id=shipment.pk, received_quantity=1
        )
    assert again.value.code == "not_in_transit"


def test_an_organiser_confirms_for_the_recipient_only_with_a_reason(regions: Any) -> None:
    setup = make_drive()
    line = _allocated_line(setup)
    shipment = services.shipment_plan(actor=setup.organiser, line_id=line.pk)
    services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)
    with pytest.raises(DomainError) as no_reason:
        services.shipment_confirm_receipt(
            actor=setup.organiser, shipment_id=shipment.pk, received_quantity=40
        )
    assert no_reason.value.code == "reason_required"
    with pytest.raises(DomainError) as stranger:
        services.shipment_confirm_receipt(
            actor=make_user("donor-2"),
            shipment_id=shipment.pk,
            received_quantity=40,
            on_behalf_reason="I was there",
        )
    assert stranger.value.code == "not_entitled"
    confirmed = services.shipment_confirm_receipt(
        actor=setup.organiser,
        shipment_id=shipment.pk,
        received_quantity=40,
        on_behalf_reason="The ward has no network; the head nurse called us.",
    )
    assert confirmed.on_behalf_reason.startswith("The ward has no network")
    assert confirmed.confirmed_by == setup.organiser


def test_every_event_is_append_only(regions: Any) -> None:
    setup = make_drive()
    event = DriveEvent.objects.filter(drive=setup.drive).first()
    assert event is not None
    with pytest.raises(Exception, match="append-only"):
        event.save()


def test_organisers_add_organisers_and_let_accounts_speak_for_a_recipient(regions: Any) -> None:
    setup = make_drive()
    hospital = add_recipient(setup, "Union Hospital")
    helper, nurse = make_user("helper"), make_user("head-nurse")
    with pytest.raises(DomainError) as outsider:
        services.drive_add_organiser(actor=helper, drive_id=setup.drive.pk, username="helper")
    assert outsider.value.code == "not_an_organiser"
    services.drive_add_organiser(actor=setup.organiser, drive_id=setup.drive.pk, username="helper")
    services.recipient_attach_account(actor=helper, recipient_id=hospital.pk, username="head-nurse")
    with pytest.raises(DomainError) as unknown:
        services.recipient_attach_account(
            actor=helper, recipient_id=hospital.pk, username="nobody-here"
        )
    assert unknown.value.code == "unknown_account"
    need = services.need_set(
        actor=nurse,
        recipient_id=hospital.pk,
        item_id=setup.item("Goggles").pk,
        quantity=5,
        priority="high",
    )
    assert need.quantity == 5
    kinds = list(setup.drive.events.values_list("kind", flat=True))
    assert "organiser_added" in kinds and "account_attached" in kinds


def test_a_drive_title_is_kept_per_language_and_shown_in_the_readers(regions: Any) -> None:
    both = make_drive(title="Masks for Wuhan", title_zh="武汉口罩")
    english_only = make_drive(organiser=make_user("other"), title="Goggles for Hubei")
    with translation.override("zh-hans"):
        assert (both.drive.title, english_only.drive.title) == ("武汉口罩", "Goggles for Hubei")
    with translation.override("en"):
        assert both.drive.title == "Masks for Wuhan"
    now = timezone.now()
    with pytest.raises(DomainError) as refused:
        services.drive_create(
            actor=make_user("untitled"),
            title_zh=" ",
            title_en="",
            description="",
            region_code="420100",
            starts_at=now,
            ends_at=now + timedelta(days=1),
        )
    assert (refused.value.code, refused.value.field) == ("title_missing", "title_zh")


def test_organisers_set_an_items_smallest_line_and_a_round_keeps_to_it(regions: Any) -> None:
    setup = make_drive()
    suits = setup.item("Protective suit")
    hospitals = [add_recipient(setup, f"Hospital {number}") for number in range(3)]
    needs = [add_need(setup, hospital, suits, 10) for hospital in hospitals]
    donor = make_user("donor")
    small = [accepted_pledge(setup, suits, quantity, donor=donor) for quantity in (7, 8)]
    for refused_actor, quantity, code in (
        (make_user("stranger"), 5, "not_an_organiser"),
        (setup.organiser, 0, "quantity_not_positive"),
        (setup.organiser, "a box", "quantity_not_whole"),
    ):
        with pytest.raises(DomainError) as refused:
            services.item_set_min_line(
                actor=refused_actor, drive_id=setup.drive.pk, item_id=suits.pk, quantity=quantity
            )
        assert refused.value.code == code

    item = services.item_set_min_line(
        actor=setup.organiser, drive_id=setup.drive.pk, item_id=suits.pk, quantity=5
    )
    round_ = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)

    assert item.min_line_quantity == 5
    event = setup.drive.events.get(kind=DriveEvent.Kind.MIN_LINE_SET)
    assert (event.item_id, event.payload) == (suits.pk, {"min_line_quantity": 5, "before": 1})
    # Neither pledge can be split without a part below 5: each goes whole to one hospital.
    lines = sorted((line.pledge_id, line.need_id, line.quantity) for line in round_.lines.all())
    assert lines == [(small[0], needs[0].pk, 7), (small[1], needs[2].pk, 8)]
