"""Aid drives in the JSON API: drives, needs, pledges, allocation, receipts and the ledger."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from minjian.abuse import ratelimit
from minjian.accounts.api import api_actor
from minjian.aid import access, downloads, selectors, services
from minjian.aid.explanations import explanation_text
from minjian.aid.models import AllocationLine, Drive, DriveEvent, Need, Recipient, Shipment
from minjian.core.errors import DomainError
from minjian.core.schemas import ErrorOut, Id, InputSchema
from minjian.redaction import render_redactions

router = Router(tags=["aid"])
# The ledger downloads: CSV text, not JSON.
CSV_RESPONSE = {"description": "OK", "content": {"text/csv": {"schema": {"type": "string"}}}}
# Quantities arrive as sent (a number or text) so that the server, not the parser,
# explains what is wrong with 2.5 or -3: `quantity_not_whole`, `quantity_not_positive`.
Quantity = int | float | str


class ItemOut(Schema):
    id: int
    name: str
    unit: str


class DriveOut(Schema):
    id: int
    title: str = Field(description="In the language asked for (Accept-Language), or the other.")
    title_zh: str
    title_en: str
    description: str
    region: str
    starts_at: datetime
    ends_at: datetime
    is_open: bool
    organisation: str | None
    items: list[ItemOut]


def _drive(drive: Drive) -> dict[str, object]:
    return {
        "id": drive.pk,
        "title": render_redactions(drive.title),
        "title_zh": render_redactions(drive.title_zh),
        "title_en": render_redactions(drive.title_en),
        "description": render_redactions(drive.description),
        "region": drive.region.code,
        "starts_at": drive.starts_at,
        "ends_at": drive.ends_at,
        "is_open": drive.is_open(),
        "organisation": drive.organisation.slug if drive.organisation else None,
        "items": [
            {"id": item.pk, "name": item.name, "unit": item.unit}
            for item in selectors.catalogue(drive)
        ],
    }


@router.get("", response=list[DriveOut], summary="Aid drives")
def list_drives(request: HttpRequest) -> list[dict[str, object]]:
    return [_drive(drive) for drive in selectors.drives_with_catalogue()]


@router.get("/{drive_id}", response={200: DriveOut, 404: ErrorOut}, summary="One drive")
def get_drive(request: HttpRequest, drive_id: Id) -> dict[str, object]:
    return _drive(access.access_drive_by_id(drive_id))


class NeedOut(Schema):
    id: int
    recipient: int
    recipient_name: str
    region: str
    verified: bool
    item: int
    quantity: int
    priority: str
    deadline: date | None


def _need(need: Need, recipient: Recipient) -> dict[str, object]:
    return {
        "id": need.pk,
        "recipient": recipient.pk,
        "recipient_name": render_redactions(recipient.name),
        "region": recipient.region.code,
        "verified": recipient.is_verified,
        "item": need.item_id,
        "quantity": need.quantity,
        "priority": need.priority,
        "deadline": need.deadline,
    }


@router.get("/{drive_id}/needs", response={200: list[NeedOut], 404: ErrorOut}, summary="Needs")
def list_needs(request: HttpRequest, drive_id: Id) -> list[dict[str, object]]:
    drive = access.access_drive_by_id(drive_id)
    return [
        _need(need, recipient)
        for recipient in selectors.recipients_with_needs(drive)
        for need in recipient.needs.all()
    ]


class NeedIn(InputSchema):
    recipient: Id
    item: Id | str
    quantity: Quantity
    priority: str = Field("normal", description="`urgent`, `high` or `normal`.")
    deadline: date | None = None


@router.post(
    "/{drive_id}/needs",
    response={200: NeedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Set a recipient's need of an item",
)
def set_need(request: HttpRequest, drive_id: Id, body: NeedIn) -> dict[str, object]:
    """By an account of the recipient or an organiser. Codes: `quantity_not_whole`,
    `quantity_not_positive`, `unknown_item`, `unknown_priority`, `need_below_allocated`,
    `not_entitled`."""
    recipient = access.access_recipient_by_id(access.access_drive_by_id(drive_id), body.recipient)
    need = services.need_set(
        actor=api_actor(request),
        recipient_id=recipient.pk,
        item_id=body.item,
        quantity=body.quantity,
        priority=body.priority,
        deadline=body.deadline,
    )
    return _need(need, recipient)


class PledgeIn(InputSchema):
    item: Id | str
    quantity: Quantity
    organisation: str = Field("", description="Pledge in the name of this organisation.")
    recipient: Id | None = Field(None, description="Earmark the pledge for this recipient.")


class PledgeOut(Schema):
    id: int
    item: int
    quantity: int
    state: str
    recipient: int | None
    receipt_code: str | None = Field(
        None, description="Only for a pledge without a token, and only in this answer."
    )


@router.post(
    "/{drive_id}/pledges",
    response={
        201: PledgeOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Pledge items",
)
def make_pledge(request: HttpRequest, drive_id: Id, body: PledgeIn) -> Status[dict[str, object]]:
    """Without a token the pledge is anonymous and answers with a receipt code, shown once.
    Codes: `drive_closed` (409), `unknown_item`, `quantity_not_whole`,
    `quantity_not_positive`, `no_such_need`, `need_overshoot` (409), `rate_limited` (429)."""
    actor = api_actor(request)
    ratelimit.limit_requester(request, "aid_pledge", user=actor)
    made = services.pledge_make(
        actor=actor,
        drive_id=drive_id,
        item_id=body.item,
        quantity=body.quantity,
        organisation_slug=body.organisation,
        earmarked_recipient_id=body.recipient,
    )
    pledge = made.pledge
    return Status(
        201,
        {
            "id": pledge.pk,
            "item": pledge.item_id,
            "quantity": pledge.quantity,
            "state": pledge.state,
            "recipient": pledge.earmarked_need.recipient_id if pledge.earmarked_need else None,
            "receipt_code": made.receipt_code,
        },
    )


class DecisionIn(InputSchema):
    decision: str = Field(description="`accept` or `decline`.")
    reason: str = ""


@router.post(
    "/{drive_id}/pledges/{pledge_id}/decision",
    response={200: PledgeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Accept or decline a pledge (organisers)",
)
def decide_pledge(
    request: HttpRequest, drive_id: Id, pledge_id: Id, body: DecisionIn
) -> dict[str, object]:
    actor = api_actor(request)
    access.access_pledge_for_organiser(actor, drive_id, pledge_id)
    if body.decision == "accept":
        pledge = services.pledge_accept(actor=actor, pledge_id=pledge_id)
    elif body.decision == "decline":
        pledge = services.pledge_decline(actor=actor, pledge_id=pledge_id, reason=body.reason)
    else:
        raise DomainError(
            "unknown_decision", _("Decide to accept or to decline."), field="decision"
        )
    return {
        "id": pledge.pk,
        "item": pledge.item_id,
        "quantity": pledge.quantity,
        "state": pledge.state,
        "recipient": pledge.earmarked_need.recipient_id if pledge.earmarked_need else None,
    }


class LineOut(Schema):
    id: int
    need: int
    recipient: int
    item: int
    pledge: int
    quantity: int
    weight: float
    explanation: dict[str, object]
    explanation_text: str


def _line(line: AllocationLine) -> dict[str, object]:
    return {
        "id": line.pk,
        "need": line.need_id,
        "recipient": line.need.recipient_id,
        "item": line.need.item_id,
        "pledge": line.pledge_id,
        "quantity": line.quantity,
        "weight": line.weight,
        "explanation": line.explanation,
        "explanation_text": explanation_text(line.explanation),
    }


@router.post(
    "/{drive_id}/allocation-rounds",
    response={201: list[LineOut], 403: ErrorOut, 404: ErrorOut},
    summary="Run an allocation round (organisers)",
)
def run_allocation(request: HttpRequest, drive_id: Id) -> Status[list[dict[str, object]]]:
    round_ = services.drive_allocate(actor=api_actor(request), drive_id=drive_id)
    return Status(201, [_line(line) for line in selectors.round_lines(round_)])


class ReceiptIn(InputSchema):
    received_quantity: Quantity
    damaged_quantity: Quantity = 0
    returned_quantity: Quantity = 0
    note: str = ""
    on_behalf_reason: str = ""


class ShipmentOut(Schema):
    id: int
    state: str
    sent_quantity: int | None
    received_quantity: int | None
    damaged_quantity: int
    returned_quantity: int
    shortfall: int


def _shipment(shipment: Shipment) -> dict[str, object]:
    return {
        "id": shipment.pk,
        "state": shipment.state,
        "sent_quantity": shipment.sent_quantity,
        "received_quantity": shipment.received_quantity,
        "damaged_quantity": shipment.damaged_quantity,
        "returned_quantity": shipment.returned_quantity,
        "shortfall": shipment.shortfall,
    }


@router.post(
    "/{drive_id}/shipments/{shipment_id}/receipt",
    response={200: ShipmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Confirm what arrived (the recipient, or an organiser with a reason)",
)
def confirm_receipt(
    request: HttpRequest, drive_id: Id, shipment_id: Id, body: ReceiptIn
) -> dict[str, object]:
    """Codes: `receipt_above_shipped`, `damaged_above_received`, `not_in_transit` (409),
    `not_entitled` (403), `reason_required`."""
    actor = api_actor(request)
    access.access_shipment_for_receipt(actor, access.access_drive_by_id(drive_id), shipment_id)
    shipment = services.shipment_confirm_receipt(
        actor=actor,
        shipment_id=shipment_id,
        received_quantity=body.received_quantity,
        damaged_quantity=body.damaged_quantity,
        returned_quantity=body.returned_quantity,
        note=body.note,
        on_behalf_reason=body.on_behalf_reason,
    )
    return _shipment(shipment)


class LedgerFiguresOut(Schema):
    needed: int
    pledged: int
    allocated: int
    shipped: int
    received: int
    damaged: int
    shortfall: int


class LedgerRowOut(Schema):
    recipient: int | None
    recipient_name: str | None
    item: int
    figures: LedgerFiguresOut
    events_url: str


class LedgerOut(Schema):
    drive: int
    totals: list[LedgerRowOut]
    rows: list[LedgerRowOut]


def _row(drive: Drive, row: selectors.LedgerRow) -> dict[str, object]:
    figures = row.figures
    recipient = row.recipient
    query = f"?item={row.item.pk}" + (f"&recipient={recipient.pk}" if recipient else "&pool=true")
    return {
        "recipient": recipient.pk if recipient else None,
        "recipient_name": render_redactions(recipient.name) if recipient else None,
        "item": row.item.pk,
        "figures": {
            name: getattr(figures, name)
            for name in ("needed", "pledged", "allocated", "shipped", "received")
        }
        | {"damaged": figures.damaged, "shortfall": figures.shortfall},
        "events_url": f"/api/v1/drives/{drive.pk}/events{query}",
    }


@router.get("/{drive_id}/ledger", response={200: LedgerOut, 404: ErrorOut}, summary="Ledger")
def get_ledger(request: HttpRequest, drive_id: Id) -> dict[str, object]:
    """Per item and per recipient: needed, pledged (earmarked for the recipient), allocated
    (to it, from any pledge), shipped, received; then per item a row with no recipient,
    the supply pledged to the drive as a whole (its allocations are in the recipients'
    rows, so each figure adds up to the totals). Each figure is the sum of the `delta` of
    the events at `events_url` with that `figure`."""
    drive = access.access_drive_by_id(drive_id)
    ledger = selectors.ledger(drive)
    return {
        "drive": drive.pk,
        "totals": [_row(drive, row) for row in ledger.totals],
        "rows": [_row(drive, row) for row in (*ledger.rows, *ledger.pool)],
    }


@router.get(
    "/{drive_id}/ledger.csv",
    summary="Ledger as CSV",
    response={200: None, 404: ErrorOut},
    openapi_extra={"responses": {200: CSV_RESPONSE}},
)
def ledger_csv(request: HttpRequest, drive_id: Id) -> StreamingHttpResponse:
    """UTF-8 with a byte-order mark; headers and status in the language asked for."""
    drive = access.access_drive_by_id(drive_id)
    return downloads.ledger_download(selectors.ledger(drive), hxl=False)


@router.get(
    "/{drive_id}/ledger.hxl",
    summary="Ledger as HXL 1.1",
    response={200: None, 404: ErrorOut},
    openapi_extra={"responses": {200: CSV_RESPONSE}},
)
def ledger_hxl(request: HttpRequest, drive_id: Id) -> StreamingHttpResponse:
    """CSV with a row of HXL hashtags under the header (`#org+recipient`, `#adm1`,
    `#need+num`, `#reached+num+received`, ...); UTF-8 with a byte-order mark; the status
    as a code (`met`, `partial`, `open`, `pool`)."""
    drive = access.access_drive_by_id(drive_id)
    return downloads.ledger_download(selectors.ledger(drive), hxl=True)


class EventQuery(InputSchema):
    recipient: Id | None = None
    item: Id | None = None
    figure: str | None = None
    pool: bool = Field(
        False,
        description="The events of no recipient, those of a ledger row without one: the "
        "pledges to the drive as a whole (earmarked for no one). What allocation rounds "
        "gave of them is in the recipients' rows.",
    )


class DriveEventOut(Schema):
    id: int
    kind: str
    created_at: datetime
    recipient: int | None
    item: int | None
    figure: str
    delta: int
    payload: dict[str, object]


@router.get(
    "/{drive_id}/events", response={200: list[DriveEventOut], 404: ErrorOut}, summary="Drive events"
)
def list_events(
    request: HttpRequest, drive_id: Id, query: Query[EventQuery]
) -> list[dict[str, object]]:
    drive = access.access_drive_by_id(drive_id)
    events = selectors.ledger_events(
        drive,
        recipient_id=query.recipient,
        item_id=query.item,
        figure=query.figure,
        pool=query.pool,
    )
    return [_event(event) for event in events]


def _event(event: DriveEvent) -> dict[str, object]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "created_at": event.created_at,
        "recipient": event.recipient_id,
        "item": event.item_id,
        "figure": event.figure,
        "delta": event.delta,
        # Who acted is not published: donors and confirmers stay unnamed here.
        "payload": event.payload,
    }
