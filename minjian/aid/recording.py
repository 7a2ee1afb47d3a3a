"""What the public record (`minjian.record`) holds of aid drives, appended in the transaction
that writes each event of the drive's log (`services.shared.record`, and an allocation
round's lines at once): the drive as its public page shows it when it is created
("drive.published"), and every event of its log ("drive.event") as the public events page
shows it: what happened, to which recipient and item, which ledger figure it moved and by
how much, the allocation's explanation and the reason given for acting on someone's behalf.
Never an account, a pledger's contact, a receipt digest or a courier's note."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from minjian.aid.models import Drive, DriveEvent, Item, Recipient
from minjian.orgs.recording import organisation_reference
from minjian.record import backfill
from minjian.record.canonical import record_time
from minjian.record.services import append, append_all, subject_of
from minjian.redaction import render_redactions


def record_event(drive: Drive, event: DriveEvent) -> None:
    """Append to the record what `event`, just written, makes public."""
    subject = subject_of("drive", drive.pk)
    if event.kind == DriveEvent.Kind.CREATED:
        append(subject, "drive.published", drive_snapshot(drive), at=event.created_at)
    else:
        append(subject, "drive.event", event_body(event), at=event.created_at)


def record_events(drive: Drive, events: Iterable[DriveEvent]) -> None:
    """`record_event` of many events that are not the drive's creation (a round's lines),
    in one INSERT; their recipients and items are read once."""
    events = list(events)
    recipients = Recipient.objects.in_bulk({event.recipient_id for event in events} - {None})
    items = Item.objects.in_bulk({event.item_id for event in events} - {None})
    subject = subject_of("drive", drive.pk)
    append_all(
        (
            subject,
            "drive.event",
            event_body(
                event,
                recipient=recipients.get(event.recipient_id or 0),
                item=items.get(event.item_id or 0),
            ),
            event.created_at,
        )
        for event in events
    )


def backfill_drives(known: Collection[str]) -> int:
    """Append, for each drive not in the record (`known`), its creation and every event of
    its log as they were written; one transaction per drive."""
    return backfill.each_new_subject("drive", Drive.objects.all(), known, _backfill_drive)


def _backfill_drive(drive_id: int) -> None:
    drive = Drive.objects.select_related("region", "organisation").get(pk=drive_id)
    for event in drive.events.select_related("recipient", "item").order_by("created_at", "id"):
        record_event(drive, event)


def drive_snapshot(drive: Drive) -> dict[str, Any]:
    """The drive as its public page shows it."""
    return {
        "id": drive.pk,
        "title_zh": render_redactions(drive.title_zh),
        "title_en": render_redactions(drive.title_en),
        "description": render_redactions(drive.description),
        "region": drive.region.code,
        "starts_at": record_time(drive.starts_at),
        "ends_at": record_time(drive.ends_at),
        "organisation": organisation_reference(drive.organisation) if drive.organisation else None,
        "created_at": record_time(drive.created_at),
    }


def event_body(
    event: DriveEvent, *, recipient: Recipient | None = None, item: Item | None = None
) -> dict[str, Any]:
    """An event of the drive's log as its public events page shows it."""
    recipient = recipient or event.recipient
    item = item or event.item
    return {
        "id": event.pk,
        "kind": event.kind,
        "recipient": {"id": recipient.pk, "name": render_redactions(recipient.name)}
        if recipient
        else None,
        "item": {"id": item.pk, "name_zh": item.name_zh, "name_en": item.name_en} if item else None,
        "figure": event.figure,
        "delta": event.delta,
        "explanation": event.payload.get("explanation"),
        "on_behalf_reason": render_redactions(str(event.payload.get("on_behalf_reason", ""))),
        "created_at": record_time(event.created_at),
    }
