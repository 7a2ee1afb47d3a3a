"""Shipments and receipts: an allocation line planned, sent, and counted where it arrived."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.aid import access
from minjian.aid.models import AllocationLine, Shipment
from minjian.aid.services.shared import Figure, Kind, public_text, record, whole_quantity
from minjian.core.errors import DomainError, NotFound

# More than an organiser can check on one screen; a typo guard, not a policy.
MAX_AT_ONCE = 500


def shipment_plan(*, actor: User | None, line_id: int, courier_note: str = "") -> Shipment:
    """An allocation line becomes a shipment: at most once, so no pledge ships twice."""
    with transaction.atomic():
        return _plan(actor, _locked_line(line_id), courier_note)


def shipment_plan_many(
    *, actor: User | None, drive_id: int, line_ids: Sequence[int], courier_note: str = ""
) -> list[Shipment]:
    """Several allocation lines of a drive planned at once, each its own shipment with its
    own event: all of them, or none if one is refused."""
    with transaction.atomic():
        return [_plan(actor, line, courier_note) for line in _locked_lines(drive_id, line_ids)]


def _plan(actor: User | None, line: AllocationLine, courier_note: str) -> Shipment:
    user = access.require_shipper(actor, line)
    if Shipment.objects.filter(line=line).exists():
        raise DomainError(
            "already_shipped",
            _("This allocation already has its shipment."),
            status=409,
        )
    shipment = Shipment.objects.create(
        line=line,
        courier_note=public_text(
            courier_note, field="courier_note", max_length=300, required=False
        ),
    )
    record(
        line.need.recipient.drive,
        Kind.SHIPMENT_PLANNED,
        user,
        recipient=line.need.recipient,
        item=line.need.item,
        payload={"shipment": shipment.pk, "line": line.pk, "quantity": line.quantity},
    )
    return shipment


def shipment_send(
    *,
    actor: User | None,
    shipment_id: int,
    sent_quantity: object | None = None,
    courier_note: str = "",
) -> Shipment:
    """Planned → shipped, with how many actually left (at most the allocated quantity)."""
    with transaction.atomic():
        return _send(actor, _locked_shipment(shipment_id), sent_quantity, courier_note)


def shipment_send_many(
    *, actor: User | None, drive_id: int, shipment_ids: Sequence[int], courier_note: str = ""
) -> list[Shipment]:
    """Several planned shipments of a drive sent at once, each with all that was allocated
    and its own event: all of them, or none if one is refused."""
    with transaction.atomic():
        return [
            _send(actor, shipment, None, courier_note)
            for shipment in _locked_shipments(drive_id, shipment_ids)
        ]


def _send(
    actor: User | None, shipment: Shipment, sent_quantity: object | None, courier_note: str
) -> Shipment:
    line = shipment.line
    user = access.require_shipper(actor, line)
    if shipment.state != Shipment.State.PLANNED:
        raise DomainError("already_shipped", _("This shipment has already left."), status=409)
    sent = _sent_quantity(line, sent_quantity)
    shipment.state = Shipment.State.SHIPPED
    shipment.sent_quantity = sent
    shipment.shipped_at = timezone.now()
    if courier_note:
        shipment.courier_note = public_text(
            courier_note, field="courier_note", max_length=300, required=False
        )
    shipment.save()
    record(
        line.need.recipient.drive,
        Kind.SHIPPED,
        user,
        recipient=line.need.recipient,
        item=line.need.item,
        figure=Figure.SHIPPED,
        delta=sent,
        payload={"shipment": shipment.pk, "line": line.pk, "quantity": sent},
    )
    return shipment


def _sent_quantity(line: AllocationLine, sent_quantity: object | None) -> int:
    """How many left: all that was allocated unless said otherwise, never more."""
    if sent_quantity in (None, ""):
        return line.quantity
    sent = whole_quantity(sent_quantity, field="sent_quantity")
    if sent > line.quantity:
        raise DomainError(
            "above_allocated",
            _("Only %(quantity)d were allocated for this shipment.") % {"quantity": line.quantity},
            field="sent_quantity",
        )
    return sent


@dataclass(frozen=True)
class _Receipt:
    """The counts a receipt gives, each a whole number."""

    received: int
    damaged: int
    returned: int


def shipment_confirm_receipt(
    *,
    actor: User | None,
    shipment_id: int,
    received_quantity: object,
    damaged_quantity: object = 0,
    returned_quantity: object = 0,
    note: str = "",
    on_behalf_reason: str = "",
) -> Shipment:
    """What actually arrived. The recipient's own accounts confirm it; an organiser may,
    for the recipient, only with a written reason. Shortfalls and damage are recorded
    beside the received quantity, never folded into it."""
    receipt = _Receipt(
        received=whole_quantity(received_quantity, field="received_quantity", allow_zero=True),
        damaged=whole_quantity(damaged_quantity or 0, field="damaged_quantity", allow_zero=True),
        returned=whole_quantity(returned_quantity or 0, field="returned_quantity", allow_zero=True),
    )
    with transaction.atomic():
        shipment = _locked_shipment(shipment_id)
        confirmer = access.receipt_confirmer(actor, shipment.line.need.recipient)
        reason = _on_behalf_reason(on_behalf_reason) if confirmer.on_behalf else ""
        _refuse_unless_it_fits(shipment, receipt)
        shipment.state = Shipment.State.RECEIVED
        shipment.received_quantity = receipt.received
        shipment.damaged_quantity = receipt.damaged
        shipment.returned_quantity = receipt.returned
        shipment.receipt_note = public_text(note, field="note", max_length=500, required=False)
        shipment.on_behalf_reason = reason
        shipment.confirmed_by = confirmer.account
        shipment.received_at = timezone.now()
        shipment.save()
        _record_receipt(shipment, confirmer.account)
    return shipment


def _on_behalf_reason(text: str) -> str:
    reason = public_text(text, field="on_behalf_reason", max_length=500, required=False)
    if not reason:
        raise DomainError(
            "reason_required",
            _("An organiser confirming for the recipient must say why."),
            field="on_behalf_reason",
        )
    return reason


def _refuse_unless_it_fits(shipment: Shipment, receipt: _Receipt) -> None:
    """Only a shipment in transit is received, and no more can arrive than was sent."""
    if shipment.state != Shipment.State.SHIPPED:
        raise DomainError(
            "not_in_transit",
            _("Only a shipment that was sent and not yet confirmed can be received."),
            status=409,
        )
    sent = shipment.sent_quantity or 0
    if receipt.received + receipt.returned > sent:
        raise DomainError(
            "receipt_above_shipped",
            _("Only %(sent)d were shipped: received and returned cannot add up to more.")
            % {"sent": sent},
            field="received_quantity",
        )
    if receipt.damaged > receipt.received:
        raise DomainError(
            "damaged_above_received",
            _("More items cannot be damaged than arrived."),
            field="damaged_quantity",
        )


def _record_receipt(shipment: Shipment, confirmer: User) -> None:
    recipient = shipment.line.need.recipient
    sent = shipment.sent_quantity or 0
    received = shipment.received_quantity or 0
    record(
        recipient.drive,
        Kind.RECEIVED,
        confirmer,
        recipient=recipient,
        item=shipment.line.need.item,
        figure=Figure.RECEIVED,
        delta=received,
        payload={
            "shipment": shipment.pk,
            "sent": sent,
            "received": received,
            "damaged": shipment.damaged_quantity,
            "returned": shipment.returned_quantity,
            "shortfall": sent - received - shipment.returned_quantity,
            "on_behalf_reason": shipment.on_behalf_reason,
            "note": shipment.receipt_note,
        },
    )


def _locked_line(line_id: int) -> AllocationLine:
    line = (
        AllocationLine.objects.select_for_update(of=("self",))
        .select_related("need__recipient__drive", "need__item", "pledge")
        .filter(pk=line_id)
        .first()
    )
    if line is None:
        raise NotFound(_("There is no such allocation line."), code="unknown_line")
    return line


def _chosen(ids: Sequence[int]) -> list[int]:
    """The ids a bulk action was given, each once, checked for number."""
    chosen = sorted(set(ids))
    if not chosen:
        raise DomainError("nothing_chosen", _("Choose at least one."), field="targets")
    if len(chosen) > MAX_AT_ONCE:
        raise DomainError(
            "too_many_chosen",
            _("Choose at most %(max)d at once.") % {"max": MAX_AT_ONCE},
            field="targets",
        )
    return chosen


def _locked_lines(drive_id: int, line_ids: Sequence[int]) -> list[AllocationLine]:
    """The drive's allocation lines with these ids, locked, by id; every one must exist."""
    chosen = _chosen(line_ids)
    lines = list(
        AllocationLine.objects.select_for_update(of=("self",))
        .select_related("need__recipient__drive", "need__item", "pledge")
        .filter(pk__in=chosen, need__recipient__drive_id=drive_id)
        .order_by("pk")
    )
    if len(lines) != len(chosen):
        raise NotFound(_("There is no such allocation line."), code="unknown_line")
    return lines


def _locked_shipments(drive_id: int, shipment_ids: Sequence[int]) -> list[Shipment]:
    """The drive's shipments with these ids, locked, by id; every one must exist."""
    chosen = _chosen(shipment_ids)
    shipments = list(
        Shipment.objects.select_for_update(of=("self",))
        .select_related("line__need__recipient__drive", "line__need__item", "line__pledge")
        .filter(pk__in=chosen, line__need__recipient__drive_id=drive_id)
        .order_by("pk")
    )
    if len(shipments) != len(chosen):
        raise NotFound(_("There is no such shipment."), code="unknown_shipment")
    return shipments


def _locked_shipment(shipment_id: int) -> Shipment:
    shipment = (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("line__need__recipient__drive", "line__need__item", "line__pledge")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        raise NotFound(_("There is no such shipment."), code="unknown_shipment")
    return shipment
