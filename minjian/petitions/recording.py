"""What the public record (`minjian.record`) holds of petitions, appended in the transaction
that writes each event (`services._log`): a petition as the public reads it when a moderator
opens it ("petition.published"), each later event of a public petition ("petition.event"),
and a rejection ("petition.removed", with its public reason). Never a signer, an e-mail
address or a body's contact address."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Q

from minjian.orgs.recording import organisation_reference
from minjian.petitions.models import Petition, PetitionEvent
from minjian.record import backfill
from minjian.record.canonical import record_time
from minjian.record.services import append, record_removal, subject_of
from minjian.redaction import render_redactions

# What the timeline and the moderation log show of an event's payload.
SHOWN_PAYLOAD = ("from", "to", "count", "why", "reason")


def record_event(petition: Petition, event: PetitionEvent) -> None:
    """Append to the record what `event`, just written, makes public."""
    subject = subject_of("petition", petition.pk)
    if event.kind == PetitionEvent.Kind.APPROVED:
        append(subject, "petition.published", petition_snapshot(petition), at=event.created_at)
    elif event.kind == PetitionEvent.Kind.REJECTED:
        record_removal(
            subject,
            "petition.removed",
            reason="rejected",
            protects_person=False,
            explanation=render_redactions(str(event.payload.get("reason", ""))),
            at=event.created_at,
        )
    elif petition.state in Petition.PUBLIC_STATES:
        append(subject, "petition.event", event_body(event), at=event.created_at)


def backfill_petitions(known: Collection[str]) -> int:
    """Append, for each petition ever opened or rejected and not in the record (`known`),
    its events from its opening (or rejection) on, as they were written; one transaction
    per petition."""
    shown = Petition.objects.filter(Q(opened_at__isnull=False) | Q(state=Petition.State.REJECTED))
    return backfill.each_new_subject("petition", shown, known, _backfill_petition)


def _backfill_petition(petition_id: int) -> None:
    petition = Petition.objects.get(pk=petition_id)
    public = False
    for event in petition.events.select_related("organisation").order_by("created_at", "id"):
        public = public or event.kind in (PetitionEvent.Kind.APPROVED, PetitionEvent.Kind.REJECTED)
        if public:
            record_event(petition, event)


def petition_snapshot(petition: Petition) -> dict[str, Any]:
    """The petition as its public page shows it when it opens."""
    return {
        "id": petition.pk,
        "title": render_redactions(petition.title),
        "request": render_redactions(petition.request),
        "background": render_redactions(petition.background),
        "addressed_organisation": organisation_reference(petition.addressed_organisation)
        if petition.addressed_organisation
        else None,
        "addressed_name": petition.addressed_name,
        "topic": petition.topic.slug if petition.topic else None,
        "region": petition.region.code if petition.region else None,
        "cited_cases": sorted(petition.cited_cases.values_list("pk", flat=True)),
        "deadline": petition.deadline.isoformat(),
        "signature_goal": petition.signature_goal,
        "deliver_at_deadline": petition.deliver_at_deadline,
        "state": petition.state,
        "opened_at": record_time(petition.opened_at) if petition.opened_at else None,
    }


def event_body(event: PetitionEvent) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": event.pk,
        "petition": event.petition_id,
        "kind": event.kind,
        "at": record_time(event.created_at),
        "organisation": organisation_reference(event.organisation) if event.organisation else None,
    }
    body |= {key: event.payload[key] for key in SHOWN_PAYLOAD if key in event.payload}
    if event.payload.get("note"):
        body["note"] = render_redactions(str(event.payload["note"]))
    return body
