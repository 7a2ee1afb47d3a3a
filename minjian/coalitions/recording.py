"""What the public record (`minjian.record`) holds of coalitions, appended in the transaction
that writes each event (`services._record`): the coalition's page when it is founded
("coalition.published") and each event of its public timeline ("coalition.event"): who
joined and left (unless its member list is hidden), proposals put forward and closed,
outcomes, joint statements with their text, joint petitions. Never votes, threads, posts
or the people who act for the organisations."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from minjian.coalitions.models import Coalition, CoalitionEvent, Proposal, Statement
from minjian.orgs.recording import organisation_reference
from minjian.record import backfill
from minjian.record.canonical import record_time
from minjian.record.services import append, subject_of
from minjian.redaction import render_redactions

# What the public timeline tells of an event's payload (never a delegate's name).
SHOWN_PAYLOAD = (
    "proposal",
    "title",
    "closes_at",
    "tally",
    "agreed",
    "statement",
    "signers",
    "petition",
    "owners",
)


def record_event(coalition: Coalition, event: CoalitionEvent) -> None:
    """Append to the record what `event`, just written, makes public."""
    subject = subject_of("coalition", coalition.pk)
    if event.kind == CoalitionEvent.Kind.FOUNDED:
        append(subject, "coalition.published", coalition_snapshot(coalition), at=event.created_at)
    elif event.kind in CoalitionEvent.PUBLIC_KINDS and not (
        coalition.members_hidden and event.kind in CoalitionEvent.MEMBERSHIP_KINDS
    ):
        append(subject, "coalition.event", event_body(event), at=event.created_at)


def backfill_coalitions(known: Collection[str]) -> int:
    """Append what the events of each coalition not in the record (`known`) made public,
    in the order they were written; one transaction per coalition."""
    return backfill.each_new_subject(
        "coalition", Coalition.objects.all(), known, _backfill_coalition
    )


def _backfill_coalition(coalition_id: int) -> None:
    coalition = Coalition.objects.get(pk=coalition_id)
    for event in coalition.events.select_related("organisation").order_by("created_at", "id"):
        record_event(coalition, event)


def coalition_snapshot(coalition: Coalition) -> dict[str, Any]:
    """The coalition as its page shows it to the public when it is founded."""
    return {
        "id": coalition.pk,
        "name_zh": coalition.name_zh,
        "name_en": coalition.name_en,
        "purpose": coalition.readable_purpose,
        "members_hidden": coalition.members_hidden,
        "founded_by": None
        if coalition.members_hidden
        else organisation_reference(coalition.founded_by),
        "created_at": record_time(coalition.created_at),
    }


def event_body(event: CoalitionEvent) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": event.pk,
        "coalition": event.coalition_id,
        "kind": event.kind,
        "at": record_time(event.created_at),
        "organisation": organisation_reference(event.organisation) if event.organisation else None,
    }
    body |= {key: event.payload[key] for key in SHOWN_PAYLOAD if key in event.payload}
    if event.kind == CoalitionEvent.Kind.STATEMENT_PUBLISHED:
        statement = Statement.objects.get(pk=event.payload["statement"])
        body["text"] = render_redactions(statement.text)
    if event.kind == CoalitionEvent.Kind.OUTCOME_STATED:
        proposal = Proposal.objects.get(pk=event.payload["proposal"])
        body["outcome"] = proposal.readable_outcome
    return body
