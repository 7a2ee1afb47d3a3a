"""The drives API: JSON in and out, refusals with stable codes, anonymous pledges with a code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.aid.models import Pledge
from minjian.aid.tests.factories import DriveSetup, add_need, add_recipient, make_drive

pytestmark = pytest.mark.django_db


def _bearer(user: User) -> dict[str, str]:
    _token, secret = api_token_issue(actor=user, user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def setup(regions: Any) -> DriveSetup:
    setup = make_drive()
    add_recipient(setup, "Union Hospital")
    return setup


def test_drives_and_needs_are_listed(setup: DriveSetup, client: Client) -> None:
    add_need(setup, setup.recipients[0], setup.item("Goggles"), 12, "high")
    drives = client.get("/api/v1/drives").json()
    assert [drive["title"] for drive in drives] == ["Masks for Wuhan"]
    assert drives[0]["is_open"] is True and len(drives[0]["items"]) >= 7
    needs = client.get(f"/api/v1/drives/{setup.drive.pk}/needs").json()
    assert needs[0]["quantity"] == 12 and needs[0]["priority"] == "high"


def test_an_anonymous_pledge_answers_with_its_receipt_code_once(
    setup: DriveSetup, client: Client
) -> None:
    response = client.post(
        f"/api/v1/drives/{setup.drive.pk}/pledges",
        {"item": setup.item("Surgical mask").pk, "quantity": 1000},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["receipt_code"] and body["state"] == "pending"
    assert Pledge.objects.get().receipt_digest != body["receipt_code"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"quantity": 0}, 400, "quantity_not_positive"),
        ({"quantity": -3}, 400, "quantity_not_positive"),
        ({"quantity": 2.5}, 400, "quantity_not_whole"),
        ({"quantity": "2.5"}, 400, "quantity_not_whole"),
        ({"quantity": 5, "item": 999999}, 400, "unknown_item"),
        ({"quantity": 5, "recipient": 999999}, 400, "no_such_need"),
    ],
)
def test_bad_pledges_are_refused_in_json(
    setup: DriveSetup, client: Client, body: dict[str, object], status: int, code: str
) -> None:
    payload = {"item": setup.item("Surgical mask").pk} | body
    response = client.post(
        f"/api/v1/drives/{setup.drive.pk}/pledges", payload, content_type="application/json"
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not Pledge.objects.exists()


def test_a_pledge_to_a_closed_drive_is_refused(regions: Any, client: Client) -> None:
    setup = make_drive()
    setup.drive.ends_at = setup.drive.starts_at + timedelta(minutes=1)
    setup.drive.save()
    response = client.post(
        f"/api/v1/drives/{setup.drive.pk}/pledges",
        {"item": setup.item("Goggles").pk, "quantity": 1},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["code"] == "drive_closed"


def test_organisers_decide_allocate_and_the_ledger_follows(
    setup: DriveSetup, client: Client
) -> None:
    suits = setup.item("Protective suit")
    speaker = setup.speakers[0]
    need = client.post(
        f"/api/v1/drives/{setup.drive.pk}/needs",
        {
            "recipient": setup.recipients[0].pk,
            "item": suits.pk,
            "quantity": 50,
            "priority": "urgent",
        },
        content_type="application/json",
        headers=_bearer(speaker),
    )
    assert need.status_code == 200
    donor = make_user("donor")
    pledge = client.post(
        f"/api/v1/drives/{setup.drive.pk}/pledges",
        {"item": suits.pk, "quantity": 20},
        content_type="application/json",
        headers=_bearer(donor),
    ).json()
    assert pledge["receipt_code"] is None
    refused = client.post(
        f"/api/v1/drives/{setup.drive.pk}/pledges/{pledge['id']}/decision",
        {"decision": "accept"},
        content_type="application/json",
        headers=_bearer(donor),
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_an_organiser"
    organiser = _bearer(setup.organiser)
    client.post(
        f"/api/v1/drives/{setup.drive.pk}/pledges/{pledge['id']}/decision",
        {"decision": "accept"},
        content_type="application/json",
        headers=organiser,
    )
    lines = client.post(f"/api/v1/drives/{setup.drive.pk}/allocation-rounds", headers=organiser)
    assert lines.status_code == 201
    [line] = lines.json()
    assert line["quantity"] == 20 and line["explanation"]["priority"] == "urgent"
    ledger = client.get(f"/api/v1/drives/{setup.drive.pk}/ledger").json()
    [total] = [row for row in ledger["totals"] if row["item"] == suits.pk]
    assert total["figures"]["needed"] == 50 and total["figures"]["allocated"] == 20
    [row] = [row for row in ledger["rows"] if row["recipient"] == setup.recipients[0].pk]
    events = client.get(row["events_url"] + "&figure=allocated").json()
    assert sum(event["delta"] for event in events) == 20
    # The pool row (pledged to the drive as a whole) links to its own events, not the
    # item's: what it gave is in the recipients' rows, so its other figures are 0.
    [pool] = [row for row in ledger["rows"] if row["recipient"] is None]
    for figure, total in pool["figures"].items():
        if figure in ("damaged", "shortfall"):
            continue
        events = client.get(pool["events_url"] + f"&figure={figure}").json()
        assert sum(event["delta"] for event in events) == total, figure
    assert pool["figures"]["pledged"] == 20 and pool["figures"]["allocated"] == 0


def test_a_drive_gives_its_title_in_both_languages(regions: Any, client: Client) -> None:
    setup = make_drive(title="Masks for Wuhan", title_zh="武汉口罩")
    chinese = client.get(f"/api/v1/drives/{setup.drive.pk}", headers={"Accept-Language": "zh-hans"})
    english = client.get(f"/api/v1/drives/{setup.drive.pk}", headers={"Accept-Language": "en"})
    assert chinese.json()["title"] == "武汉口罩" and english.json()["title"] == "Masks for Wuhan"
    assert (english.json()["title_zh"], english.json()["title_en"]) == (
        "武汉口罩",
        "Masks for Wuhan",
    )


def test_unknown_drive_is_a_json_404(client: Client, db: Any) -> None:
    response = client.get("/api/v1/drives/4242/ledger.hxl")
    assert response.status_code == 404 and response.json()["code"] == "unknown_drive"


def test_a_recipient_of_another_drive_is_not_found_under_this_one(
    setup: DriveSetup, client: Client
) -> None:
    other = make_drive(organiser=make_user("other-organiser"), title="Another drive")
    response = client.post(
        f"/api/v1/drives/{other.drive.pk}/needs",
        {"recipient": setup.recipients[0].pk, "item": other.item("Goggles").pk, "quantity": 1},
        content_type="application/json",
        headers=_bearer(setup.organiser),
    )
    assert response.status_code == 404 and response.json()["code"] == "unknown_recipient"
