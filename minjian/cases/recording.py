"""What the public record (`minjian.record`) holds of cases, appended in the transaction that
writes each event (`services._write_event`): a case as the public reads it when it becomes
public ("case.published") and when what it shows changes ("case.edited": photos joined
it), each later public event of a public case ("case.event"), and its removal
("case.removed", a tombstone with the reason and the hash of the last snapshot).

Only what a visitor may read: texts as the timeline shows them (`selectors.text_audience`),
times to the minute (`cases.times`), never internal notes, held texts, the reporter or
receipt digests; nothing of a case before it is published.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from django.core.files.storage import default_storage

from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.selectors import Audience, text_audience
from minjian.cases.times import public_time
from minjian.orgs.recording import organisation_reference
from minjian.record import backfill
from minjian.record.canonical import record_time
from minjian.record.services import append, record_removal, subject_of
from minjian.redaction import render_redactions

# Removals whose content a mirror deletes too, keeping only the tombstone.
PROTECTS_PERSON = (
    Case.HiddenReason.PERSONAL_DATA,
    Case.HiddenReason.HARASSMENT,
    Case.HiddenReason.REPORTER_REQUEST,
)
# Events that take a public case away from the public.
REMOVALS = (CaseEvent.Kind.HIDDEN, CaseEvent.Kind.MERGED)
# Events of a case before it is published, which the public never reads the time of.
BEFORE_PUBLICATION = (
    CaseEvent.Kind.SUBMITTED,
    CaseEvent.Kind.EDIT_REQUESTED,
    CaseEvent.Kind.EDITED,
)
# What the timeline shows of an event's payload, besides its text (`selectors._entries`).
SHOWN_PAYLOAD = ("from", "to", "into", "via", "merged_from", "photos", "event", "reason")
VERDICT_PAYLOAD = ("verdict", "evidence", "organisations", "confirmations")
CHUNK_BYTES = 1024 * 1024


def record_events(
    events: Iterable[CaseEvent], *, photos: Mapping[int, Sequence[CasePhoto]] | None = None
) -> None:
    """Append to the record what `events`, just written, make public; `photos`: the photos
    of a case, by its id, when the caller has them at hand (a case just filed)."""
    changed: dict[int, Case] = {}
    for event in events:
        case = event.case
        subject = subject_of("case", case.pk)
        at = public_time(event.created_at)
        if event.internal or event.kind in BEFORE_PUBLICATION:
            continue
        if event.kind in REMOVALS:
            if event.payload.get("from") in Case.PUBLIC_STATES:
                record_removal(
                    subject,
                    "case.removed",
                    reason=case.hidden_reason,
                    protects_person=case.hidden_reason in PROTECTS_PERSON,
                    at=at,
                )
        elif event.kind == CaseEvent.Kind.PUBLISHED:
            snapshot = case_snapshot(case, photos=(photos or {}).get(case.pk))
            append(subject, "case.published", snapshot, at=at)
        elif case.is_public:
            body = event_body(event)
            append(subject, "case.event", body, at=at)
            if event.kind == CaseEvent.Kind.MERGED_IN or body.get("photos_released"):
                changed[case.pk] = case
    for case in changed.values():
        record_case_edited(case)


def backfill_cases(known: Collection[str]) -> int:
    """Append, for each case ever published and not in the record (`known`), what its
    events made public, each in the order and at the time it happened (its snapshot is the
    case as it is now); one transaction per case."""
    published = Case.objects.filter(published_at__isnull=False)
    return backfill.each_new_subject("case", published, known, _backfill_case)


def _backfill_case(case_id: int) -> None:
    case = Case.objects.select_related("topic", "region").get(pk=case_id)
    record_events(case.events.select_related("organisation").order_by("created_at", "id"))


def record_case_edited(case: Case) -> None:
    """Append the new snapshot of a public case whose public content changed."""
    append(subject_of("case", case.pk), "case.edited", case_snapshot(case))


def case_snapshot(case: Case, *, photos: Sequence[CasePhoto] | None = None) -> dict[str, Any]:
    """The case as its public page shows it; its photos are read unless given."""
    shown = (
        list(
            case.photos.filter(status=CasePhoto.Status.READY, held=False).order_by("position", "id")
        )
        if photos is None
        else [photo for photo in photos if photo.is_ready]
    )
    return {
        "id": case.pk,
        "title": case.readable_title,
        "description": case.readable_description,
        "topic": {
            "slug": case.topic.slug,
            "name_zh": case.topic.name_zh,
            "name_en": case.topic.name_en,
        },
        "region": {
            "code": case.region.code,
            "name_zh": case.region.name_zh,
            "name_en": case.region.name_en,
        },
        # Stored only as precisely as published (`services.check_report`).
        "point": {"latitude": str(case.latitude), "longitude": str(case.longitude)}
        if case.has_point
        else None,
        "precision": case.location_precision,
        "state": case.state,
        "published_at": record_time(public_time(case.published_at)) if case.published_at else None,
        "photos": [_photo(photo) for photo in shown],
    }


def event_body(event: CaseEvent) -> dict[str, Any]:
    """A public event as the case's timeline shows it."""
    body: dict[str, Any] = {
        "id": event.pk,
        "case": event.case_id,
        "kind": event.kind,
        "at": record_time(public_time(event.created_at)),
        "organisation": organisation_reference(event.organisation) if event.organisation else None,
    }
    body |= {key: event.payload[key] for key in SHOWN_PAYLOAD if key in event.payload}
    note = str(event.payload.get("note", ""))
    if note and text_audience(event, released=False) == Audience.PUBLIC:
        body["note"] = render_redactions(note)
    if event.payload.get("held"):
        # Its text waits for a moderator: a later "note_released" event carries it.
        body["note_waiting"] = True
    if event.kind == CaseEvent.Kind.NOTE_RELEASED:
        released = CaseEvent.objects.filter(pk=event.payload["event"]).first()
        if released is not None:
            body["note"] = render_redactions(str(released.payload.get("note", "")))
            body["photos_released"] = len(released.payload.get("photo_ids", []))
    if event.kind == CaseEvent.Kind.VERDICT:
        body |= {key: event.payload[key] for key in VERDICT_PAYLOAD if key in event.payload}
        body["rationale"] = render_redactions(str(event.payload.get("rationale", "")))
    return body


def _photo(photo: CasePhoto) -> dict[str, Any]:
    return {
        "sha256": _file_sha256(photo.image.name),
        "width": photo.width,
        "height": photo.height,
        "position": photo.position,
        "url": photo.url,
    }


def _file_sha256(name: str) -> str:
    hashed = hashlib.sha256()
    with default_storage.open(name, "rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            hashed.update(chunk)
    return hashed.hexdigest()
