"""A recipient's desk: the deliveries it is to confirm, shown where it lands, and never a
field that only the organisers fill in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.tests.factories import make_user
from minjian.aid import services
from minjian.aid.models import Shipment
from minjian.aid.tests.factories import (
    DriveSetup,
    accepted_pledge,
    add_need,
    add_recipient,
    make_drive,
)

pytestmark = pytest.mark.django_db
ENGLISH = {"Accept-Language": "en"}
ORGANISERS_ONLY = ("on_behalf_reason", "Why you confirm for the recipient", "/organise/")


def _on_their_way(setup: DriveSetup, rows: int) -> list[Shipment]:
    """`rows` shipments sent to the first recipient, and one planned (not yet sent)."""
    hospital = setup.recipients[0]
    suits = setup.item("Protective suit")
    add_need(setup, hospital, suits, 10 * (rows + 1), "urgent")
    donor = make_user("donor")
    for _number in range(rows + 1):
        accepted_pledge(setup, suits, 10, donor=donor, recipient=hospital)
    lines = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk).lines
    shipments = services.shipment_plan_many(
        actor=setup.organiser, drive_id=setup.drive.pk, line_ids=[line.pk for line in lines.all()]
    )
    return services.shipment_send_many(
        actor=setup.organiser,
        drive_id=setup.drive.pk,
        shipment_ids=[shipment.pk for shipment in shipments[:rows]],
    )


@pytest.fixture
def setup(regions: Any) -> DriveSetup:
    setup = make_drive()
    add_recipient(setup, "Union Hospital", speaker="union-desk")
    return setup


def test_the_desk_sees_its_deliveries_to_confirm_where_it_lands(
    setup: DriveSetup, client: Client
) -> None:
    _on_their_way(setup, 2)
    client.force_login(setup.speakers[0])
    for landing in ("/", "/aid/", f"/aid/{setup.drive.pk}/"):
        page = client.get(landing, headers=ENGLISH).content.decode()
        assert (
            '<a class="button secondary" href="/aid/deliveries/">2 deliveries to confirm</a>'
            in (page)
        ), landing
    # Anyone else sees no such link: a stranger, an organiser, a visitor.
    for other in (make_user("stranger"), setup.organiser, None):
        if other is None:
            client.logout()
        else:
            client.force_login(other)
        assert "deliveries to confirm" not in client.get("/", headers=ENGLISH).content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_the_deliveries_page_lists_what_is_on_its_way_in_fixed_queries(
    setup: DriveSetup, client: Client, django_assert_num_queries: Any, rows: int
) -> None:
    sent = _on_their_way(setup, rows)
    client.force_login(setup.speakers[0])

    # The session, the account, the header's inbox link, the shipments.
    with django_assert_num_queries(4):
        page = client.get("/aid/deliveries/", headers=ENGLISH)

    for shipment in sent:
        assert f'href="/aid/{setup.drive.pk}/shipments/{shipment.pk}/receipt/"' in page.text
    assert page.text.count("Confirm receipt of #") == rows


def test_the_deliveries_page_asks_to_sign_in(client: Client, db: Any) -> None:
    response = client.get("/aid/deliveries/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_desk_confirms_without_ever_seeing_an_organisers_field(
    setup: DriveSetup, client: Client
) -> None:
    (shipment,) = _on_their_way(setup, 1)
    receipt = f"/aid/{setup.drive.pk}/shipments/{shipment.pk}/receipt/"
    client.force_login(setup.speakers[0])
    for path in (
        receipt,
        f"/aid/{setup.drive.pk}/recipients/{setup.recipients[0].pk}/",
        f"/aid/{setup.drive.pk}/",
        "/aid/deliveries/",
    ):
        page = client.get(path, headers=ENGLISH).content.decode()
        assert not [field for field in ORGANISERS_ONLY if field in page], path
    # Sent anyway, an organiser's reason from the desk is not kept.
    client.post(receipt, {"received_quantity": "10", "on_behalf_reason": "I am the organiser"})
    shipment.refresh_from_db()
    assert shipment.received_quantity == 10 and shipment.on_behalf_reason == ""
    # The organiser, confirming for a recipient, is asked why.
    (other,) = Shipment.objects.filter(state=Shipment.State.PLANNED)
    services.shipment_send(actor=setup.organiser, shipment_id=other.pk)
    client.force_login(setup.organiser)
    form = client.get(
        f"/aid/{setup.drive.pk}/shipments/{other.pk}/receipt/", headers=ENGLISH
    ).content.decode()
    assert 'name="on_behalf_reason"' in form and "Why you confirm for the recipient" in form
