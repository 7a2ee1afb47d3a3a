"""The rumour desk's entries, as its page, its feeds and the API show them: a claim with
its public verdict (being checked, or a conclusion), or waiting for a second verifier.

What a verifier proposed is not public until another organisation confirms it: an entry
carries the proposal only when it is made for a verifier (`proposals=True`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from minjian.cases.claim_review import PublicVerdict, public_verdict
from minjian.cases.times import public_time
from minjian.claims import reviews
from minjian.claims.models import Claim


@dataclass(frozen=True)
class DeskEntry:
    claim: Claim
    text: str
    # The page that shows the claim (its case's page, for a case).
    path: str
    # The public verdict; None while it waits for a second verifier with none before.
    verdict: PublicVerdict | None
    # When the verdict was given, or since when the proposal waits: to the minute.
    at: datetime
    # The verdict that waits for a second verifier: for verifiers' eyes only.
    proposal: PublicVerdict | None = None


def judged(claim: Claim) -> DeskEntry:
    """A claim with its public verdict (being checked, or a conclusion)."""
    verdict = reviews.claim_verdict(claim)
    assert claim.verdict_at is not None  # the desk lists judged claims only here
    return DeskEntry(
        claim=claim,
        text=claim.text,
        path=reviews.claim_path(claim),
        verdict=verdict,
        at=public_time(claim.verdict_at),
    )


def awaiting(claim: Claim, *, proposals: bool) -> DeskEntry:
    """A claim whose proposed verdict waits for a verifier of another organisation
    (`selectors.claims_awaiting_confirmation`, with its proposal)."""
    proposal = claim.proposal
    assert proposal is not None  # the selector lists claims with a proposal only
    return DeskEntry(
        claim=claim,
        text=claim.text,
        path=reviews.claim_path(claim),
        verdict=reviews.claim_verdict(claim),
        at=public_time(proposal.created_at),
        proposal=(
            public_verdict(proposal.payload, at=proposal.created_at, case_id=claim.case_id)
            if proposals
            else None
        ),
    )
