"""What the public record (`minjian.record`) holds of claims: each verdict as it is published
("claim.verdict"), appended in the transaction of its event (`services._publish`), with the
claim as the public reads it. A proposal waiting for other verifiers is not public: it
enters only with the verdict it becomes."""

from __future__ import annotations

from collections.abc import Collection

from minjian.claims.models import Claim, ClaimEvent
from minjian.record import backfill
from minjian.record.canonical import record_time
from minjian.record.services import append, subject_of
from minjian.redaction import render_redactions

# What the claim's page shows of a published verdict besides its rationale.
SHOWN_PAYLOAD = ("verdict", "evidence", "organisations", "confirmations")


def backfill_claims(known: Collection[str]) -> int:
    """Append the published verdicts of each claim not in the record (`known`), in the
    order they were published; one transaction per claim."""
    judged = Claim.objects.filter(published__isnull=False)
    return backfill.each_new_subject("claim", judged, known, _backfill_claim)


def _backfill_claim(claim_id: int) -> None:
    claim = Claim.objects.get(pk=claim_id)
    published = claim.events.filter(kind=ClaimEvent.Kind.VERDICT_PUBLISHED)
    for event in published.order_by("created_at", "id"):
        record_verdict(claim, event)


def record_verdict(claim: Claim, event: ClaimEvent) -> None:
    """Append the verdict `event` published for `claim`."""
    append(
        subject_of("claim", claim.pk),
        "claim.verdict",
        {
            "id": claim.pk,
            "case": claim.case_id,
            "statement": render_redactions(claim.statement),
            "appearances": [
                {
                    "url": appearance.url,
                    "platform": appearance.platform,
                    "seen_on": appearance.seen_on.isoformat() if appearance.seen_on else None,
                }
                for appearance in claim.appearances.all()
            ],
            "at": record_time(event.created_at),
            "rationale": render_redactions(str(event.payload.get("rationale", ""))),
            **{key: event.payload[key] for key in SHOWN_PAYLOAD if key in event.payload},
        },
        at=event.created_at,
    )
