"""Every operation of the published API document, walked on purpose: once to a success and
once to a refusal, with real rows, through the client that checks each answer against the
document (`minjian.core.tests.openapi`).

The API tests of each app check the answers they get; this walk makes sure that every
operation's success and refusal are among them, whichever way pytest-xdist splits the
tests: it fails when the document has an operation it does not walk. Schemathesis
(`test_api_contract.py`) sends generated requests; these are the ones a client sends.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.aid import services as aid_services
from minjian.aid.tests.factories import accepted_pledge, add_need, add_recipient, make_drive
from minjian.cases.models import Case
from minjian.cases.tests.duplicate_walks import DUPLICATE_WALKS
from minjian.cases.tests.images import jpeg_upload
from minjian.cases.tests.similar_walks import SIMILAR_WALKS
from minjian.claims.tests.walks import CLAIM_WALKS
from minjian.coalitions.tests.walks import COALITION_WALKS
from minjian.core.tests.openapi import OpenAPICheckingClient, documented_operations, operation_for
from minjian.orgs.models import Organisation
from minjian.petitions.tests.walks import PETITION_WALKS
from minjian.places.models import Region
from minjian.places.tests.factories import make_bounded_regions
from minjian.record.tests.walks import RECORD_WALKS
from minjian.routing.tests.helpers import published, subscribed

# An id no row has: far past any sequence a test run reaches, within the documented bound.
NO_SUCH_ID = 2**62
REPORT = {
    "title": "淮河边造纸厂夜间排污",
    "description": "每天夜里十点以后，排污口流出黑色的水。",
    "topic": "environment",
    "region": "340321",
}


@dataclass
class World:
    """Rows for every operation: a public case with a photo, routed to an agency's inbox;
    an aid drive with a need, a pending pledge, supply not yet allocated and a shipment on
    its way; and personal tokens of the accounts that act on them."""

    case: Case
    agency: Organisation
    drive_id: int
    recipient_id: int
    item_id: int
    pending_pledge_id: int
    shipment_id: int
    shipped: int
    member: dict[str, str]
    reporter: dict[str, str]
    organiser: dict[str, str]
    recipient_desk: dict[str, str]
    stranger: dict[str, str]


def _bearer(user: User) -> dict[str, str]:
    _row, token = api_token_issue(actor=user, user=user, name="walk")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def world(
    regions: dict[str, Region], django_capture_on_commit_callbacks: Callable[..., Any]
) -> World:
    make_bounded_regions(regions)
    member, reporter = make_user("bureau-officer"), make_user("river-watcher-walk")
    agency = subscribed(
        "huai-bureau",
        topic="environment",
        region=regions["340000"],
        kind=Organisation.Kind.AGENCY,
        members=(member,),
    )
    case = published(
        django_capture_on_commit_callbacks,
        regions["340321"],
        reporter=reporter,
        photos=[jpeg_upload()],
    )
    assert case.photos.get().is_ready
    setup = make_drive()
    recipient = add_recipient(setup, "Union Hospital")
    masks, suits = setup.item("Surgical mask"), setup.item("Protective suit")
    add_need(setup, recipient, masks, 100, "urgent")
    donor = make_user("walk-donor")
    accepted_pledge(setup, masks, 40, donor=donor)
    pending = aid_services.pledge_make(
        actor=donor, drive_id=setup.drive.pk, item_id=suits.pk, quantity=5
    )
    line = aid_services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk).lines.get()
    shipment = aid_services.shipment_plan(actor=setup.organiser, line_id=line.pk)
    aid_services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)
    # Supply the round above did not allocate, for the next one.
    accepted_pledge(setup, masks, 20, donor=donor)
    return World(
        case=case,
        agency=agency,
        drive_id=setup.drive.pk,
        recipient_id=recipient.pk,
        item_id=masks.pk,
        pending_pledge_id=pending.pledge.pk,
        shipment_id=shipment.pk,
        shipped=line.quantity,
        member=_bearer(member),
        reporter=_bearer(reporter),
        organiser=_bearer(setup.organiser),
        recipient_desk=_bearer(setup.speakers[0]),
        stranger=_bearer(make_user("stranger")),
    )


# The test client's response is Any: django-stubs names its type only in the stubs.
Request = Callable[[OpenAPICheckingClient, World], Any]
WRONG_TOKEN = {"Authorization": "Bearer mj_not-a-token"}


def _post(
    client: OpenAPICheckingClient, path: str, body: object, headers: dict[str, str] | None = None
) -> Any:
    return client.post(path, body, content_type="application/json", headers=headers or {})


@dataclass(frozen=True)
class Walk:
    """A request the operation grants, and one it refuses with `refused` (status, code)."""

    success: Request
    refusal: Request
    refused: tuple[int, str]


WALKS: dict[str, Walk] = {
    "POST /api/v1/cases": Walk(
        success=lambda client, _world: client.post(
            "/api/v1/cases", REPORT | {"photos": [jpeg_upload()]}
        ),
        refusal=lambda client, _world: client.post("/api/v1/cases", REPORT | {"topic": "weather"}),
        refused=(400, "unknown_topic"),
    ),
    "GET /api/v1/cases": Walk(
        success=lambda client, _world: client.get("/api/v1/cases", {"topic": "environment"}),
        refusal=lambda client, _world: client.get("/api/v1/cases", {"region": "999999"}),
        refused=(400, "unknown_region"),
    ),
    "GET /api/v1/cases/map": Walk(
        success=lambda client, _world: client.get(
            "/api/v1/cases/map", {"bbox": "73,18,135,54", "zoom": "4"}
        ),
        refusal=lambda client, _world: client.get(
            "/api/v1/cases/map", {"bbox": "135,18,73,54", "zoom": "4"}
        ),
        refused=(400, "invalid_bbox"),
    ),
    "GET /api/v1/cases/{case_id}": Walk(
        success=lambda client, world: client.get(f"/api/v1/cases/{world.case.pk}"),
        refusal=lambda client, _world: client.get(f"/api/v1/cases/{NO_SUCH_ID}"),
        refused=(404, "not_found"),
    ),
    "GET /api/v1/topics": Walk(
        success=lambda client, _world: client.get("/api/v1/topics"),
        refusal=lambda client, _world: client.get("/api/v1/topics", headers=WRONG_TOKEN),
        refused=(401, "unauthenticated"),
    ),
    "GET /api/v1/topics/{slug}": Walk(
        success=lambda client, _world: client.get("/api/v1/topics/environment"),
        refusal=lambda client, _world: client.get("/api/v1/topics/weather"),
        refused=(404, "unknown_topic"),
    ),
    "GET /api/v1/regions": Walk(
        success=lambda client, _world: client.get("/api/v1/regions", {"parent": "340000"}),
        refusal=lambda client, _world: client.get("/api/v1/regions", {"parent": "999999"}),
        refused=(404, "unknown_region"),
    ),
    "GET /api/v1/regions/at": Walk(
        success=lambda client, _world: client.get(
            "/api/v1/regions/at", {"lat": "32.97", "lng": "117.2"}
        ),
        refusal=lambda client, _world: client.get("/api/v1/regions/at", {"lat": 30, "lng": 125}),
        refused=(404, "no_region_here"),
    ),
    "GET /api/v1/regions/{code}": Walk(
        success=lambda client, _world: client.get("/api/v1/regions/340321"),
        refusal=lambda client, _world: client.get("/api/v1/regions/999999"),
        refused=(404, "unknown_region"),
    ),
    "GET /api/v1/organisations": Walk(
        success=lambda client, _world: client.get("/api/v1/organisations", {"kind": "agency"}),
        refusal=lambda client, _world: client.get("/api/v1/organisations", {"topic": "weather"}),
        refused=(400, "unknown_topic"),
    ),
    "GET /api/v1/organisations/{slug}": Walk(
        success=lambda client, world: client.get(f"/api/v1/organisations/{world.agency.slug}"),
        refusal=lambda client, _world: client.get("/api/v1/organisations/nobody"),
        refused=(404, "not_found"),
    ),
    "GET /api/v1/accounts/me": Walk(
        success=lambda client, world: client.get("/api/v1/accounts/me", headers=world.member),
        refusal=lambda client, _world: client.get("/api/v1/accounts/me"),
        refused=(401, "unauthenticated"),
    ),
    "GET /api/v1/inbox/{org_slug}": Walk(
        success=lambda client, world: client.get(
            f"/api/v1/inbox/{world.agency.slug}", headers=world.member
        ),
        refusal=lambda client, world: client.get(
            f"/api/v1/inbox/{world.agency.slug}", headers=world.stranger
        ),
        refused=(403, "not_a_member"),
    ),
    "GET /api/v1/inbox/{org_slug}/cases/{case_id}": Walk(
        success=lambda client, world: client.get(
            f"/api/v1/inbox/{world.agency.slug}/cases/{world.case.pk}", headers=world.member
        ),
        refusal=lambda client, world: client.get(
            f"/api/v1/inbox/{world.agency.slug}/cases/{NO_SUCH_ID}", headers=world.member
        ),
        refused=(404, "not_in_inbox"),
    ),
    "POST /api/v1/inbox/{org_slug}/cases/{case_id}/{action}": Walk(
        success=lambda client, world: _post(
            client,
            f"/api/v1/inbox/{world.agency.slug}/cases/{world.case.pk}/response",
            {"note": "The bureau inspected the outlet."},
            world.member,
        ),
        refusal=lambda client, world: _post(
            client,
            f"/api/v1/inbox/{world.agency.slug}/cases/{world.case.pk}/update",
            {"note": ""},
            world.member,
        ),
        refused=(400, "note_required"),
    ),
    "POST /api/v1/inbox/cases/{case_id}/address": Walk(
        success=lambda client, world: _post(
            client,
            f"/api/v1/inbox/cases/{world.case.pk}/address",
            {"agency": world.agency.slug},
            world.reporter,
        ),
        refusal=lambda client, world: _post(
            client,
            f"/api/v1/inbox/cases/{world.case.pk}/address",
            {"agency": world.agency.slug},
            world.stranger,
        ),
        refused=(403, "forbidden"),
    ),
    "GET /api/v1/drives": Walk(
        success=lambda client, _world: client.get("/api/v1/drives"),
        refusal=lambda client, _world: client.get("/api/v1/drives", headers=WRONG_TOKEN),
        refused=(401, "unauthenticated"),
    ),
    "GET /api/v1/drives/{drive_id}": Walk(
        success=lambda client, world: client.get(f"/api/v1/drives/{world.drive_id}"),
        refusal=lambda client, _world: client.get(f"/api/v1/drives/{NO_SUCH_ID}"),
        refused=(404, "unknown_drive"),
    ),
    "GET /api/v1/drives/{drive_id}/needs": Walk(
        success=lambda client, world: client.get(f"/api/v1/drives/{world.drive_id}/needs"),
        refusal=lambda client, _world: client.get(f"/api/v1/drives/{NO_SUCH_ID}/needs"),
        refused=(404, "unknown_drive"),
    ),
    "POST /api/v1/drives/{drive_id}/needs": Walk(
        success=lambda client, world: _post(
            client,
            f"/api/v1/drives/{world.drive_id}/needs",
            {"recipient": world.recipient_id, "item": world.item_id, "quantity": 120},
            world.recipient_desk,
        ),
        refusal=lambda client, world: _post(
            client,
            f"/api/v1/drives/{world.drive_id}/needs",
            {"recipient": world.recipient_id, "item": world.item_id, "quantity": 120},
            world.stranger,
        ),
        refused=(403, "not_entitled"),
    ),
    "POST /api/v1/drives/{drive_id}/pledges": Walk(
        success=lambda client, world: _post(
            client,
            f"/api/v1/drives/{world.drive_id}/pledges",
            {"item": world.item_id, "quantity": 10},
        ),
        refusal=lambda client, world: _post(
            client,
            f"/api/v1/drives/{world.drive_id}/pledges",
            {"item": world.item_id, "quantity": 0},
        ),
        refused=(400, "quantity_not_positive"),
    ),
    "POST /api/v1/drives/{drive_id}/pledges/{pledge_id}/decision": Walk(
        success=lambda client, world: _post(
            client,
            f"/api/v1/drives/{world.drive_id}/pledges/{world.pending_pledge_id}/decision",
            {"decision": "accept"},
            world.organiser,
        ),
        refusal=lambda client, world: _post(
            client,
            f"/api/v1/drives/{world.drive_id}/pledges/{world.pending_pledge_id}/decision",
            {"decision": "accept"},
            world.stranger,
        ),
        refused=(403, "not_an_organiser"),
    ),
    "POST /api/v1/drives/{drive_id}/allocation-rounds": Walk(
        success=lambda client, world: _post(
            client, f"/api/v1/drives/{world.drive_id}/allocation-rounds", {}, world.organiser
        ),
        refusal=lambda client, world: _post(
            client, f"/api/v1/drives/{world.drive_id}/allocation-rounds", {}, world.stranger
        ),
        refused=(403, "not_an_organiser"),
    ),
    "POST /api/v1/drives/{drive_id}/shipments/{shipment_id}/receipt": Walk(
        success=lambda client, world: _post(
            client,
            f"/api/v1/drives/{world.drive_id}/shipments/{world.shipment_id}/receipt",
            {"received_quantity": world.shipped, "note": "All there."},
            world.recipient_desk,
        ),
        refusal=lambda client, world: _post(
            client,
            f"/api/v1/drives/{world.drive_id}/shipments/{world.shipment_id}/receipt",
            {"received_quantity": world.shipped + 1},
            world.recipient_desk,
        ),
        refused=(400, "receipt_above_shipped"),
    ),
    "GET /api/v1/drives/{drive_id}/ledger": Walk(
        success=lambda client, world: client.get(f"/api/v1/drives/{world.drive_id}/ledger"),
        refusal=lambda client, _world: client.get(f"/api/v1/drives/{NO_SUCH_ID}/ledger"),
        refused=(404, "unknown_drive"),
    ),
    "GET /api/v1/drives/{drive_id}/ledger.csv": Walk(
        success=lambda client, world: client.get(f"/api/v1/drives/{world.drive_id}/ledger.csv"),
        refusal=lambda client, _world: client.get(f"/api/v1/drives/{NO_SUCH_ID}/ledger.csv"),
        refused=(404, "unknown_drive"),
    ),
    "GET /api/v1/drives/{drive_id}/ledger.hxl": Walk(
        success=lambda client, world: client.get(f"/api/v1/drives/{world.drive_id}/ledger.hxl"),
        refusal=lambda client, _world: client.get(f"/api/v1/drives/{NO_SUCH_ID}/ledger.hxl"),
        refused=(404, "unknown_drive"),
    ),
    "GET /api/v1/drives/{drive_id}/events": Walk(
        success=lambda client, world: client.get(
            f"/api/v1/drives/{world.drive_id}/events", {"figure": "allocated"}
        ),
        refusal=lambda client, world: client.get(
            f"/api/v1/drives/{world.drive_id}/events", {"recipient": 0}
        ),
        refused=(422, "invalid_input"),
    ),
    "GET /api/v1/accountability": Walk(
        success=lambda client, _world: client.get("/api/v1/accountability", {"period": "all"}),
        refusal=lambda client, _world: client.get("/api/v1/accountability", {"period": "7"}),
        refused=(422, "invalid_input"),
    ),
}


WALKS |= {
    operation: Walk(success, refusal, refused)
    for operation, (success, refusal, refused) in (
        CLAIM_WALKS
        | DUPLICATE_WALKS
        | SIMILAR_WALKS
        | PETITION_WALKS
        | COALITION_WALKS
        | RECORD_WALKS
    ).items()
}


def _operation_of(response: Any) -> str:
    found = operation_for(response.request["REQUEST_METHOD"], response.request["PATH_INFO"])
    return found.label if found else "no operation"


def _is_empty(body: object) -> bool:
    """A list, or a page of results, with nothing in it: its items' schema goes unchecked."""
    if isinstance(body, dict) and "results" in body:
        body = body["results"]
    return body == []


def test_every_operation_of_the_document_is_walked() -> None:
    documented = {operation.label for operation in documented_operations()}
    assert sorted(documented - set(WALKS)) == [], "operations this walk does not cover"
    assert sorted(set(WALKS) - documented) == [], "walks of operations the document lacks"


@pytest.mark.parametrize("operation", sorted(WALKS))
def test_the_operation_succeeds_as_documented(
    operation: str, client: OpenAPICheckingClient, world: World
) -> None:
    response = WALKS[operation].success(client, world)

    assert _operation_of(response) == operation
    # A download is streamed: its body is what it sends.
    body = response.getvalue()
    assert 200 <= response.status_code < 300, body[:1000]
    if response["Content-Type"].startswith("application/json"):
        assert not _is_empty(json.loads(body)), "walk with rows in the answer"
    else:
        assert body


@pytest.mark.parametrize("operation", sorted(WALKS))
def test_the_operation_refuses_as_documented(
    operation: str, client: OpenAPICheckingClient, world: World
) -> None:
    response = WALKS[operation].refusal(client, world)

    assert _operation_of(response) == operation
    assert (response.status_code, response.json()["code"]) == WALKS[operation].refused
