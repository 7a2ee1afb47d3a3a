"""A claim's public verdict as pages, the API and the feeds show it, and its ClaimReview
(built by `cases.claim_review`, the same for a case's page and a claim's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from minjian.cases.claim_review import (
    Appearance,
    PublicVerdict,
    claim_review,
    public_verdict,
    review_of_case,
    verdict_label,
)
from minjian.cases.models import Case
from minjian.cases.times import public_time
from minjian.claims.models import Claim, ClaimEvent

# What the public reads of a claim's log: a proposal waiting for a second verifier is not
# public (the rumour desk lists the claim as waiting, not what was proposed).
PUBLIC_EVENT_KINDS = (ClaimEvent.Kind.WRITTEN, ClaimEvent.Kind.VERDICT_PUBLISHED)


def claim_path(claim: Claim) -> str:
    """The page that shows the claim's verdict: its case's, or its own."""
    if claim.case_id is not None:
        return reverse("cases:detail", args=[claim.case_id])
    return reverse("claims:detail", args=[claim.pk])


def claim_verdict(claim: Claim) -> PublicVerdict | None:
    """The claim's public verdict, as a page shows it; None while it is unverified."""
    if claim.published is None or claim.verdict == Case.Verdict.UNVERIFIED:
        return None
    return public_verdict(
        claim.published.payload, at=claim.published.created_at, case_id=claim.case_id
    )


def appearances(claim: Claim) -> list[Appearance]:
    """Where a written claim was seen (prefetched), as a verifier quoted it."""
    return [
        Appearance(url=seen.url, platform=seen.platform, seen_on=seen.seen_on)
        for seen in claim.appearances.all()
    ]


def review_of(claim: Claim, *, absolute: Callable[[str], str]) -> dict[str, Any] | None:
    """The ClaimReview of the claim's public verdict, or None when it concludes nothing."""
    if claim.published is None:
        return None
    payload, at = claim.published.payload, claim.published.created_at
    if claim.case is not None:
        return review_of_case(claim.case, payload=payload, at=at, absolute=absolute)
    seen = appearances(claim)
    days = [appearance.seen_on for appearance in seen if appearance.seen_on is not None]
    # Undated, it was made by the day it was written down at the latest.
    claimed_on: date = min(days) if days else public_time(claim.created_at).date()
    return claim_review(
        claim=claim.text,
        payload=payload,
        at=at,
        url=absolute(claim_path(claim)) + "#verdict",
        appearances=seen,
        claimed_on=claimed_on,
        absolute=absolute,
    )


@dataclass(frozen=True)
class HistoryEntry:
    label: str
    organisation: str
    at: datetime


def public_history(claim: Claim) -> list[HistoryEntry]:
    """The claim's log as the public reads it (prefetched, with organisations), oldest first."""
    return [
        HistoryEntry(
            label=_("Verdict: %(verdict)s") % {"verdict": verdict_label(event.payload["verdict"])}
            if event.kind == ClaimEvent.Kind.VERDICT_PUBLISHED
            else event.kind_label,
            organisation=event.organisation.name if event.organisation else _("the site's staff"),
            at=public_time(event.created_at),
        )
        for event in claim.events.all()
        if event.kind in PUBLIC_EVENT_KINDS
    ]
