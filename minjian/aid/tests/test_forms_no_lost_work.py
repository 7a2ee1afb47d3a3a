"""The aid forms that create something never send twice and never lose what was typed:
a success answers 303 with a message saying what was done; a refusal shows every
field's error at once and keeps the input; a refused pledge spends neither the proof
of work nor the rate limit; a closed drive offers no pledge form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minjian.abuse.tests.proof import solved_payload
from minjian.accounts.tests.factories import make_user
from minjian.aid import services
from minjian.aid.models import Drive, Need, Pledge, Recipient, Shipment
from minjian.aid.tests.factories import (
    DriveSetup,
    accepted_pledge,
    add_need,
    add_recipient,
    make_drive,
)

pytestmark = pytest.mark.django_db
ENGLISH = {"Accept-Language": "en"}
CHINESE = {"Accept-Language": "zh-hans"}


@pytest.fixture
def setup(regions: Any) -> DriveSetup:
    setup = make_drive()
    hospital = add_recipient(setup, "Union Hospital")
    add_need(setup, hospital, setup.item("Protective suit"), 100, "urgent")
    return setup


def _shipped(setup: DriveSetup, quantity: int = 40) -> Shipment:
    accepted_pledge(setup, setup.item("Protective suit"), quantity, donor=make_user("donor"))
    line = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk).lines.get()
    shipment = services.shipment_plan(actor=setup.organiser, line_id=line.pk)
    return services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)


def test_a_refused_pledge_shows_every_error_at_once_and_keeps_what_was_typed(
    setup: DriveSetup, client: Client
) -> None:
    client.force_login(make_user("donor"))
    response = client.post(
        f"/aid/{setup.drive.pk}/pledge/",
        {"item": "999999", "quantity": "2.5 boxes", "recipient": "Union"},
        headers=ENGLISH,
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice" in page  # the item
    assert "Items are counted whole" in page  # the quantity
    assert "This recipient has no verified need of this item." in page
    assert 'value="2.5 boxes"' in page
    assert not Pledge.objects.exists()


def test_a_refused_pledge_spends_neither_the_proof_of_work_nor_the_rate_limit(
    setup: DriveSetup, client: Client, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = settings.MINJIAN_RATE_LIMITS | {"aid_pledge": (1, 3600)}
    suits = setup.item("Protective suit").pk
    proof = solved_payload(client)
    url = f"/aid/{setup.drive.pk}/pledge/"
    typo = client.post(url, {"item": suits, "quantity": "4O", "altcha": proof}, headers=ENGLISH)
    # More than the need lacks: refused by the service, still before the proof and count.
    overshoot = client.post(
        url,
        {"item": suits, "quantity": "500", "recipient": setup.recipients[0].pk, "altcha": proof},
        headers=ENGLISH,
    )
    corrected = client.post(url, {"item": suits, "quantity": "40", "altcha": proof})
    assert (typo.status_code, overshoot.status_code, corrected.status_code) == (400, 409, 303)
    assert "This need lacks only 100 more." in overshoot.content.decode()
    assert Pledge.objects.get().quantity == 40
    # The proof was spent by the pledge taken, and the one pledge counted.
    again = client.post(url, {"item": suits, "quantity": "40", "altcha": proof})
    assert again.status_code == 400 and Pledge.objects.count() == 1
    fresh = client.post(url, {"item": suits, "quantity": "40", "altcha": solved_payload(client)})
    assert fresh.status_code == 429 and fresh["Retry-After"]


def test_a_signed_in_pledge_answers_303_and_says_what_it_sent(
    setup: DriveSetup, client: Client
) -> None:
    client.force_login(make_user("donor"))
    response = client.post(
        f"/aid/{setup.drive.pk}/pledge/",
        {"item": setup.item("Protective suit").pk, "quantity": "12"},
        headers=ENGLISH,
    )
    assert response.status_code == 303 and response["Location"] == f"/aid/{setup.drive.pk}/"
    pledge = Pledge.objects.get()
    drive_page = client.get(response["Location"], headers=ENGLISH).content.decode()
    assert f"Pledge #{pledge.pk} of 12 × Protective suit sent." in drive_page
    assert Pledge.objects.count() == 1


def _closed_drive(setup: DriveSetup) -> Drive:
    long_ago = timezone.now() - timedelta(days=60)
    return services.drive_create(
        actor=setup.organiser,
        title_zh="已结束的募集",
        title_en="A drive that ended",
        description="",
        region_code="420100",
        starts_at=long_ago,
        ends_at=long_ago + timedelta(days=30),
    )


def test_a_closed_drive_offers_no_pledge_form_and_refuses_a_pledge_sent_anyway(
    setup: DriveSetup, client: Client
) -> None:
    closed = _closed_drive(setup)
    item = closed.items.first()
    assert item is not None
    url = f"/aid/{closed.pk}/pledge/"
    form = client.get(url, headers=ENGLISH)
    assert form.status_code == 200
    assert "This drive is not taking pledges" in form.content.decode()
    assert 'name="quantity"' not in form.content.decode()
    assert f'href="{url}"' not in client.get(f"/aid/{closed.pk}/", headers=ENGLISH).text
    sent = client.post(url, {"item": item.pk, "quantity": "5"}, headers=CHINESE)
    assert sent.status_code == 409
    assert "本次募集现在不接受认捐" in sent.content.decode()
    assert not Pledge.objects.exists()


def test_starting_a_drive_reports_every_field_at_once_then_answers_303(
    regions: Any, client: Client
) -> None:
    organiser = make_user("organiser")
    client.force_login(organiser)
    refused = client.post(
        "/aid/new/",
        {
            "title_zh": "",
            "title_en": "",
            "region": "999999",
            "starts_at": "2026-02-01T09:00",
            "ends_at": "2026-01-01T09:00",
            "description": "Masks for the clinics",
        },
        headers=ENGLISH,
    )
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Give the drive a title, in Chinese or in English." in page
    assert "Choose a known region." in page
    assert "The drive must end after it starts." in page
    assert "Masks for the clinics" in page
    started = client.post(
        "/aid/new/",
        {
            "title_zh": "武汉口罩",
            "title_en": "Masks for Wuhan",
            "region": "420100",
            "starts_at": "2026-01-01T09:00",
            "ends_at": "2026-02-01T09:00",
        },
        headers=ENGLISH,
    )
    drive = Drive.objects.get()
    assert started.status_code == 303 and started["Location"] == f"/aid/{drive.pk}/organise/"
    desk = client.get(started["Location"], headers=ENGLISH).content.decode()
    assert "Drive “Masks for Wuhan” started." in desk
    assert "武汉口罩" in client.get(f"/aid/{drive.pk}/", headers=CHINESE).content.decode()


def test_a_need_and_a_recipient_refused_keep_what_was_typed(
    setup: DriveSetup, client: Client
) -> None:
    client.force_login(setup.speakers[0])
    hospital = setup.recipients[0]
    need = client.post(
        f"/aid/{setup.drive.pk}/recipients/{hospital.pk}/",
        {"item": setup.item("Goggles").pk, "quantity": "-3", "priority": "soon"},
        headers=ENGLISH,
    )
    assert need.status_code == 400
    assert "The quantity must be at least 1." in need.content.decode()
    assert "Select a valid choice" in need.content.decode()
    assert 'value="-3"' in need.content.decode()
    assert Need.objects.count() == 1
    duplicate = client.post(
        f"/aid/{setup.drive.pk}/recipients/new/",
        {"name": "Union Hospital", "kind": "clinic", "place": "Jianghan Road", "region": "420102"},
        headers=ENGLISH,
    )
    assert duplicate.status_code == 400
    assert "A recipient of this name is registered." in duplicate.content.decode()
    assert "Jianghan Road" in duplicate.content.decode()
    assert Recipient.objects.count() == 1


def test_a_receipt_reports_every_count_at_once_then_answers_303_with_what_arrived(
    setup: DriveSetup, client: Client
) -> None:
    shipment = _shipped(setup)
    client.force_login(setup.speakers[0])
    url = f"/aid/{setup.drive.pk}/shipments/{shipment.pk}/receipt/"
    refused = client.post(
        url,
        {"received_quantity": "30", "damaged_quantity": "31", "returned_quantity": "11"},
        headers=ENGLISH,
    )
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Only 40 were shipped: received and returned cannot add up to more." in page
    assert "More items cannot be damaged than arrived." in page
    assert 'value="31"' in page
    confirmed = client.post(
        url,
        {"received_quantity": "38", "damaged_quantity": "2", "returned_quantity": "0"},
        headers=ENGLISH,
    )
    recipient_page = f"/aid/{setup.drive.pk}/recipients/{setup.recipients[0].pk}/"
    assert confirmed.status_code == 303 and confirmed["Location"] == recipient_page
    said = client.get(recipient_page, headers=ENGLISH).content.decode()
    assert f"Receipt of shipment #{shipment.pk} confirmed: 38 of 40 arrived. 2 damaged." in said
    chinese = client.get(recipient_page, headers=CHINESE).content.decode()
    assert "38 of 40" not in chinese  # the message was shown once, in English
    shipment.refresh_from_db()
    assert shipment.received_quantity == 38
    # Sent again (a reload of the POST), it changes nothing.
    again = client.post(url, {"received_quantity": "40"}, headers=ENGLISH)
    assert again.status_code == 409
    shipment.refresh_from_db()
    assert shipment.received_quantity == 38
