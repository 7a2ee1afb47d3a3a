"""How the API writes a public verdict (`cases.claim_review.PublicVerdict`): on a case's
timeline, and in the answers of `minjian.claims`."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class VerdictOrganisationOut(Schema):
    name: str
    href: str | None = Field(description="Its page on this site; null for the site's staff.")


class VerdictEvidenceOut(Schema):
    kind: str = Field(
        description="`link` (a source elsewhere), `document` (a page or file of this site), "
        "`response` (an official response on the case's timeline) or `photo` (a photo of "
        "the case)."
    )
    label: str
    href: str = Field(description="Where it is: an address, or a path of this site.")


class VerdictConfirmationOut(Schema):
    organisation: VerdictOrganisationOut
    rationale: str = Field(description="What the confirming verifier added; may be empty.")


class VerdictOut(Schema):
    verdict: str = Field(
        description="unverified, checking, corroborated, disputed, false or not_a_claim."
    )
    label: str
    rationale: str
    evidence: list[VerdictEvidenceOut]
    organisations: list[VerdictOrganisationOut] = Field(
        description="The verifiers' organisations, the first to judge first: two different "
        "ones for *false* and *corroborated* where the site asks for a second verifier."
    )
    confirmations: list[VerdictConfirmationOut]
    published_at: datetime = Field(description="When it became public, to the minute.")
