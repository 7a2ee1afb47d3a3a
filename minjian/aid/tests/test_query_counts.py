"""Every aid page and API read takes the same number of queries for 2 rows as for 20:
a query per row (N+1) would show here first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minjian.accounts.models import User
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
from minjian.aid.views import EVENTS_PER_PAGE

pytestmark = pytest.mark.django_db
ENGLISH = {"Accept-Language": "en"}
ROWS = [2, 20]


@dataclass
class BusyDrive:
    """A drive with `rows` of everything: recipients, needs, pledges waiting and
    accepted, allocation lines, shipments planned, under way and received, and as
    many shipments and events again for its first recipient."""

    setup: DriveSetup
    rows: int
    donor: User

    @property
    def drive_id(self) -> int:
        return self.setup.drive.pk


def _busy_drive(rows: int) -> BusyDrive:
    setup = make_drive()
    suits, masks = setup.item("Protective suit"), setup.item("Surgical mask")
    donor = make_user("donor")
    for number in range(rows):
        hospital = add_recipient(setup, f"Hospital {number:02d}")
        add_need(setup, hospital, suits, 10, "urgent")
        accepted_pledge(setup, suits, 10, donor=donor, recipient=hospital)
        add_recipient(setup, f"Clinic {number:02d}", verified=False)
        services.pledge_make(actor=donor, drive_id=setup.drive.pk, item_id=masks.pk, quantity=5)
    first = setup.recipients[0]
    add_need(setup, first, masks, 11 * rows, "high")
    for _number in range(rows):
        accepted_pledge(setup, masks, 10, donor=donor, recipient=first)
    lines = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk).lines.all()
    for number, line in enumerate(lines.order_by("id")):
        shipment = services.shipment_plan(actor=setup.organiser, line_id=line.pk)
        if number % 3:
            services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)
        if number % 3 == 2:
            services.shipment_confirm_receipt(
                actor=setup.organiser,
                shipment_id=shipment.pk,
                received_quantity=9,
                damaged_quantity=1,
                on_behalf_reason="The ward called.",
            )
    # Allocated and not yet shipped: what the organisers' page lists to plan.
    for _number in range(rows):
        accepted_pledge(setup, masks, 1, donor=donor, recipient=first)
    services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)
    return BusyDrive(setup=setup, rows=rows, donor=donor)


@pytest.fixture(params=ROWS, ids=[f"{rows}-rows" for rows in ROWS])
def busy(request: pytest.FixtureRequest, regions: Any) -> BusyDrive:
    return _busy_drive(request.param)


# Pages


@pytest.mark.parametrize("drives", ROWS)
def test_the_list_of_drives_takes_one_query_for_any_number_of_drives(
    regions: Any, client: Client, django_assert_num_queries: Any, drives: int
) -> None:
    organiser = make_user("organiser")
    for number in range(drives):
        make_drive(organiser=organiser, title=f"Drive {number:02d}")

    with django_assert_num_queries(1):
        response = client.get("/aid/", headers=ENGLISH)

    assert all(f"Drive {number:02d}" in response.text for number in range(drives))


def test_the_drive_page_takes_the_same_queries_for_any_number_of_recipients(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(11):  # with the versions of what the stored page shows
        response = client.get(f"/aid/{busy.drive_id}/", headers=ENGLISH)

    assert all(f"Hospital {number:02d}" in response.text for number in range(busy.rows))


def test_the_recipient_page_takes_the_same_queries_for_any_number_of_shipments(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    first = busy.setup.recipients[0]
    client.force_login(busy.setup.speakers[0])

    with django_assert_num_queries(14):
        response = client.get(f"/aid/{busy.drive_id}/recipients/{first.pk}/", headers=ENGLISH)

    assert response.text.count("× Surgical mask") >= busy.rows


def test_the_organisers_page_takes_the_same_queries_for_any_amount_of_work(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    client.force_login(busy.setup.organiser)

    with django_assert_num_queries(15):
        response = client.get(f"/aid/{busy.drive_id}/organise/", headers=ENGLISH)

    assert response.text.count("Verify Clinic") == busy.rows
    # Lines to plan and shipments to send, each with its box to tick.
    to_plan = AllocationLine.objects.filter(shipment__isnull=True).count()
    to_send = Shipment.objects.filter(state=Shipment.State.PLANNED).count()
    assert to_plan >= busy.rows and to_send > 0
    assert response.text.count('name="targets"') == to_plan + to_send


def test_the_ledger_takes_the_same_queries_for_any_number_of_recipients(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(9):  # with the versions of what the stored page shows
        response = client.get(f"/aid/{busy.drive_id}/ledger/", headers=ENGLISH)

    assert all(f"Hospital {number:02d}" in response.text for number in range(busy.rows))


def test_the_ledger_events_come_a_page_at_a_time_in_the_same_queries(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    events = f"/aid/{busy.drive_id}/ledger/events/"
    total = DriveEvent.objects.filter(drive_id=busy.drive_id).count()
    last_page = -(-total // EVENTS_PER_PAGE)

    with django_assert_num_queries(3):  # the drive, the count, the page
        first = client.get(events, headers=ENGLISH)
    with django_assert_num_queries(4):  # and what the figure's events add up to
        received = client.get(f"{events}?figure=received&page=1", headers=ENGLISH)
    with django_assert_num_queries(3):
        last = client.get(f"{events}?page={last_page}", headers=ENGLISH)

    rows_shown = first.text.count("<tr>") - 1  # the header's row
    assert rows_shown == min(total, EVENTS_PER_PAGE)
    assert ("Next" in first.text) == (total > EVENTS_PER_PAGE)
    assert last.text.count("<tr>") - 1 == total - (last_page - 1) * EVENTS_PER_PAGE
    assert "These events add up to" in received.text


def test_the_pledge_form_takes_the_same_queries_for_any_number_of_recipients(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    client.force_login(busy.donor)

    with django_assert_num_queries(7):
        response = client.get(f"/aid/{busy.drive_id}/pledge/", headers=ENGLISH)

    assert all(f"Hospital {number:02d}" in response.text for number in range(busy.rows))


def test_the_receipt_form_takes_a_fixed_number_of_queries(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    shipment = Shipment.objects.filter(state=Shipment.State.SHIPPED).first()
    assert shipment is not None
    client.force_login(busy.setup.organiser)

    with django_assert_num_queries(7):
        response = client.get(
            f"/aid/{busy.drive_id}/shipments/{shipment.pk}/receipt/", headers=ENGLISH
        )

    assert f"Confirm receipt of shipment #{shipment.pk}" in response.text


def test_the_forms_to_start_a_drive_and_register_a_recipient_take_fixed_queries(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    client.force_login(busy.donor)

    with django_assert_num_queries(4):
        new_drive = client.get("/aid/new/", headers=ENGLISH)
    with django_assert_num_queries(5):
        new_recipient = client.get(f"/aid/{busy.drive_id}/recipients/new/", headers=ENGLISH)

    assert "Start the drive" in new_drive.text
    assert "Register a recipient" in new_recipient.text


def test_a_pledge_followed_by_its_code_takes_the_same_queries_for_any_number_of_lines(
    regions: Any, client: Client, django_assert_num_queries: Any
) -> None:
    for rows in ROWS:
        setup = make_drive(organiser=make_user(f"organiser-{rows}"), title=f"Drive {rows}")
        suits = setup.item("Protective suit")
        for number in range(rows):
            add_need(setup, add_recipient(setup, f"Hospital {rows}-{number:02d}"), suits, 1)
        made = services.pledge_make(
            actor=None, drive_id=setup.drive.pk, item_id=suits.pk, quantity=rows
        )
        services.pledge_accept(actor=setup.organiser, pledge_id=made.pledge.pk)
        services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)

        with django_assert_num_queries(1):
            form = client.get(f"/aid/{setup.drive.pk}/pledge/follow/", headers=ENGLISH)
        with CaptureQueriesContext(connection) as captured:
            found = client.post(
                f"/aid/{setup.drive.pk}/pledge/follow/",
                {"code": made.receipt_code},
                headers=ENGLISH,
            )

        # Without Redis, the rate limit counts in database rows, and sweeps the expired
        # ones at most once a minute: those queries are the rate limit's, not the page's.
        page_queries = [query for query in captured if "abuse_" not in query["sql"]]
        assert len(page_queries) == 3, "\n".join(query["sql"][:150] for query in page_queries)
        assert "Receipt code" in form.text
        assert found.text.count("→ Hospital") == rows


# The API


@pytest.mark.parametrize("drives", ROWS)
def test_the_api_lists_drives_in_two_queries_for_any_number(
    regions: Any, client: Client, django_assert_num_queries: Any, drives: int
) -> None:
    organiser = make_user("organiser")
    for number in range(drives):
        make_drive(organiser=organiser, title=f"Drive {number:02d}")

    with django_assert_num_queries(2):
        response = client.get("/api/v1/drives")

    assert len(response.json()) == drives


def test_the_api_drive_takes_a_fixed_number_of_queries(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/drives/{busy.drive_id}")

    assert response.json()["title"] == "Masks for Wuhan"


def test_the_api_needs_take_the_same_queries_for_any_number_of_needs(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/drives/{busy.drive_id}/needs")

    assert len(response.json()) == busy.rows + 1  # and the first hospital's masks


def test_the_api_ledger_takes_the_same_queries_for_any_number_of_recipients(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(7):
        response = client.get(f"/api/v1/drives/{busy.drive_id}/ledger")

    assert len({row["recipient"] for row in response.json()["rows"]}) == busy.rows


def test_the_ledger_downloads_take_the_same_queries_for_any_number_of_recipients(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(7):
        csv = client.get(f"/api/v1/drives/{busy.drive_id}/ledger.csv")
    with django_assert_num_queries(7):
        hxl = client.get(f"/api/v1/drives/{busy.drive_id}/ledger.hxl")

    for download in (csv, hxl):
        text = download.getvalue().decode()
        assert all(f"Hospital {number:02d}" in text for number in range(busy.rows))


def test_the_api_events_take_the_same_queries_for_any_number_of_events(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/drives/{busy.drive_id}/events")

    assert len(response.json()) > 6 * busy.rows


def test_the_receipt_of_an_anonymous_pledge_takes_a_fixed_number_of_queries(
    busy: BusyDrive, client: Client, django_assert_num_queries: Any
) -> None:
    pledge = client.post(
        f"/aid/{busy.drive_id}/pledge/",
        {"item": busy.setup.item("Surgical mask").pk, "quantity": "5"},
    )
    assert pledge.status_code == 303

    # The drive, the session, the pledge; then the session written back without the
    # code (an update between a savepoint and its release).
    with django_assert_num_queries(6):
        receipt = client.get(f"/aid/{busy.drive_id}/pledge/receipt/", headers=ENGLISH)
    with django_assert_num_queries(2):
        reloaded = client.get(f"/aid/{busy.drive_id}/pledge/receipt/", headers=ENGLISH)

    assert "Keep this receipt code" in receipt.text
    assert "Your receipt code was shown once" in reloaded.text
