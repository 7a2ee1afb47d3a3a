"""The aid pages without JavaScript: pledging (anonymous too), organising, confirming a receipt."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.abuse.tests.proof import solved_payload
from minjian.accounts.tests.factories import make_user
from minjian.aid import services
from minjian.aid.models import Pledge, Shipment
from minjian.aid.tests.factories import (
    DriveSetup,
    accepted_pledge,
    add_need,
    add_recipient,
    make_drive,
)
from minjian.cases.receipts import receipt_digest

pytestmark = pytest.mark.django_db
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def setup(regions: Any) -> DriveSetup:
    setup = make_drive()
    hospital = add_recipient(setup, "Union Hospital")
    add_need(setup, hospital, setup.item("Protective suit"), 100, "urgent")
    return setup


def test_the_drive_page_shows_needs_with_progress_bars_in_both_languages(
    setup: DriveSetup, client: Client
) -> None:
    page = client.get(f"/aid/{setup.drive.pk}/", headers=ENGLISH).content.decode()
    assert "Union Hospital" in page and "Protective suit" in page and "<progress" in page
    assert 'style="' not in page
    chinese = client.get(f"/aid/{setup.drive.pk}/", headers={"Accept-Language": "zh-hans"})
    assert "防护服" in chinese.content.decode() and "紧急" in chinese.content.decode()
    assert "Masks for Wuhan" in client.get("/aid/", headers=ENGLISH).content.decode()


def test_an_anonymous_donor_pledges_with_the_proof_of_work_and_gets_a_receipt_code(
    setup: DriveSetup, client: Client
) -> None:
    response = client.post(
        f"/aid/{setup.drive.pk}/pledge/",
        {
            "item": setup.item("Surgical mask").pk,
            "quantity": "500",
            "recipient": "",
            "altcha": solved_payload(client),
        },
        headers=ENGLISH,
    )
    # Taken: 303 to the receipt page, which shows the code this once.
    assert response.status_code == 303
    assert response["Location"] == f"/aid/{setup.drive.pk}/pledge/receipt/"
    receipt = client.get(response["Location"], headers=ENGLISH).content.decode()
    assert "Keep this receipt code" in receipt
    pledge = Pledge.objects.get()
    assert pledge.quantity == 500 and pledge.is_anonymous and pledge.donor is None
    code = receipt.split('<p class="receipt-code"')[1].split("<code>")[1].split("</code>")[0]
    assert pledge.receipt_digest == receipt_digest(code)
    # Reloaded, the page sends nothing again and no longer shows the code.
    again = client.get(response["Location"], headers=ENGLISH).content.decode()
    assert code not in again and "Your receipt code was shown once" in again
    assert Pledge.objects.count() == 1


def test_a_bad_pledge_is_refused_next_to_its_field(setup: DriveSetup, client: Client) -> None:
    response = client.post(
        f"/aid/{setup.drive.pk}/pledge/",
        {
            "item": setup.item("Surgical mask").pk,
            "quantity": "2.5",
            "altcha": solved_payload(client),
        },
        headers=ENGLISH,
    )
    assert response.status_code == 400
    assert "Items are counted whole" in response.content.decode()
    assert not Pledge.objects.exists()


def test_anonymous_pledges_are_rate_limited(
    setup: DriveSetup, client: Client, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = settings.MINJIAN_RATE_LIMITS | {"aid_pledge": (1, 3600)}
    mask = setup.item("Surgical mask").pk
    first = client.post(
        f"/aid/{setup.drive.pk}/pledge/",
        {"item": mask, "quantity": "5", "altcha": solved_payload(client)},
    )
    second = client.post(
        f"/aid/{setup.drive.pk}/pledge/",
        {"item": mask, "quantity": "5", "altcha": solved_payload(client)},
    )
    assert (first.status_code, second.status_code) == (303, 429)
    assert Pledge.objects.count() == 1


def test_organisers_accept_allocate_and_ship_from_their_page(
    setup: DriveSetup, client: Client
) -> None:
    donor = make_user("donor")
    made = services.pledge_make(
        actor=donor,
        drive_id=setup.drive.pk,
        item_id=setup.item("Protective suit").pk,
        quantity=40,
    )
    client.force_login(setup.organiser)
    base = f"/aid/{setup.drive.pk}/organise"
    assert f"Accept #{made.pledge.pk}" in client.get(f"{base}/", headers=ENGLISH).content.decode()

    def press(action: str, fields: dict[str, object]) -> str:
        """Press a button; it answers 303 to the desk, which says what was done."""
        response = client.post(f"{base}/{action}/", fields, headers=ENGLISH)
        assert response.status_code == 303 and response["Location"] == f"{base}/"
        return client.get(f"{base}/", headers=ENGLISH).content.decode()

    accepted = press("accept", {"target": made.pledge.pk})
    assert f"Pledge #{made.pledge.pk} accepted: 40 × Protective suit." in accepted
    allocated = press("allocate", {})
    assert "Allocation round run: 40 units allocated in 1 line." in allocated
    assert "urgent; 0% met before this round" in allocated
    line = made.pledge.allocation_lines.get()
    assert "1 shipment planned." in press(
        "plan", {"targets": [line.pk], "courier_note": "SF Express"}
    )
    shipment = Shipment.objects.get()
    assert "1 shipment marked as shipped." in press("ship", {"targets": [shipment.pk]})
    shipment.refresh_from_db()
    assert shipment.state == Shipment.State.SHIPPED and shipment.sent_quantity == 40
    assert shipment.courier_note == "SF Express"


def test_only_organisers_open_the_organiser_page(setup: DriveSetup, client: Client) -> None:
    client.force_login(make_user("stranger"))
    assert client.get(f"/aid/{setup.drive.pk}/organise/").status_code == 403
    assert client.post(f"/aid/{setup.drive.pk}/organise/allocate/").status_code == 403


def test_the_recipient_confirms_a_short_receipt_and_the_shortfall_shows(
    setup: DriveSetup, client: Client
) -> None:
    accepted_pledge(setup, setup.item("Protective suit"), 40, donor=make_user("donor"))
    line = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk).lines.get()
    shipment = services.shipment_plan(actor=setup.organiser, line_id=line.pk)
    services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)
    url = f"/aid/{setup.drive.pk}/shipments/{shipment.pk}/receipt/"

    client.force_login(make_user("stranger"))
    assert client.post(url, {"received_quantity": "40"}).status_code == 403

    client.force_login(setup.speakers[0])
    too_many = client.post(url, {"received_quantity": "41"}, headers=ENGLISH)
    assert too_many.status_code == 400 and "Only 40 were shipped" in too_many.content.decode()
    client.post(url, {"received_quantity": "36", "damaged_quantity": "1", "returned_quantity": "0"})
    recipient_page = client.get(
        f"/aid/{setup.drive.pk}/recipients/{setup.recipients[0].pk}/", headers=ENGLISH
    ).content.decode()
    assert "36 of 40 arrived" in recipient_page
    assert "4 missing" in recipient_page and "1 damaged" in recipient_page


def test_only_the_recipient_and_the_organisers_open_the_receipt_form(
    setup: DriveSetup, client: Client
) -> None:
    accepted_pledge(setup, setup.item("Protective suit"), 40, donor=make_user("donor"))
    line = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk).lines.get()
    shipment = services.shipment_plan(actor=setup.organiser, line_id=line.pk)
    services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)
    url = f"/aid/{setup.drive.pk}/shipments/{shipment.pk}/receipt/"

    assert client.get(url).status_code == 403
    client.force_login(make_user("stranger"))
    assert client.get(url).status_code == 403
    for entitled in (setup.speakers[0], setup.organiser):
        client.force_login(entitled)
        assert client.get(url).status_code == 200


def test_a_recipient_registers_and_sets_a_need_on_the_web(
    setup: DriveSetup, client: Client
) -> None:
    ward = make_user("ward")
    client.force_login(ward)
    response = client.post(
        f"/aid/{setup.drive.pk}/recipients/new/",
        {"name": "Wuchang Hospital", "kind": "hospital", "place": "", "region": "420106"},
        headers=ENGLISH,
    )
    recipient = setup.drive.recipients.get(name="Wuchang Hospital")
    page = f"/aid/{setup.drive.pk}/recipients/{recipient.pk}/"
    assert response.status_code == 303 and response["Location"] == page
    assert not recipient.is_verified
    registered = client.get(page, headers=ENGLISH).content.decode()
    assert "Wuchang Hospital registered. The organisers verify it" in registered
    saved = client.post(
        page,
        {"item": setup.item("N95 respirator").pk, "quantity": "300", "priority": "high"},
        headers={"Accept-Language": "zh-hans"},
    )
    assert saved.status_code == 303 and saved["Location"] == page
    assert recipient.needs.get().quantity == 300
    chinese = client.get(page, headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "已保存需求：300 × N95口罩，高。" in chinese


def test_an_anonymous_donor_follows_her_pledge_with_the_receipt_code(
    setup: DriveSetup, client: Client
) -> None:
    made = services.pledge_make(
        actor=None, drive_id=setup.drive.pk, item_id=setup.item("Protective suit").pk, quantity=7
    )
    assert made.receipt_code is not None
    services.pledge_accept(actor=setup.organiser, pledge_id=made.pledge.pk)
    services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)
    url = f"/aid/{setup.drive.pk}/pledge/follow/"
    found = client.post(url, {"code": made.receipt_code.lower()}, headers=ENGLISH)
    assert found.status_code == 200
    assert "7 → Union Hospital" in found.content.decode()
    wrong = client.post(url, {"code": "0000-0000-0000-0000-0000"}, headers=ENGLISH)
    assert wrong.status_code == 404 and "No pledge has this receipt code." in wrong.content.decode()


def test_an_earmark_the_form_does_not_know_is_refused_not_dropped(
    setup: DriveSetup, client: Client
) -> None:
    client.force_login(make_user("donor"))
    for recipient in ("999999", "Union"):
        response = client.post(
            f"/aid/{setup.drive.pk}/pledge/",
            {"item": setup.item("Protective suit").pk, "quantity": "5", "recipient": recipient},
            headers=ENGLISH,
        )
        assert response.status_code == 400
        assert "This recipient has no verified need of this item." in response.content.decode()
    assert not Pledge.objects.exists()
