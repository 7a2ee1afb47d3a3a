"""Claims and verdicts in the JSON API.

Verifiers (site staff, and members of verified organisations with the verifier mark)
write claims down and give verdicts with a personal token; anyone reads a claim and the
feed of ClaimReviews. `POST /cases/{case_id}/verdicts` is added to the cases router by
the API's top layer (`minjian/api.py`, `add_case_verdicts`), so that cases need not
import claims.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Form, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from minjian.accounts.api import BearerToken, api_account, api_actor
from minjian.cases.api_verdicts import VerdictOut
from minjian.claims import (
    desk,
    flag_guard,
    reviews,
    selectors,
    selectors_flags,
    services,
    services_flags,
)
from minjian.claims.models import Claim
from minjian.claims.services import CLAIMS, VerdictGiven, claim_tag
from minjian.core.public_cache import CASES, ORGANISATIONS, public_page, tags_for_everything
from minjian.core.schemas import ErrorOut, Id, InputSchema

router = Router(tags=["claims"])
reviews_router = Router(tags=["claims"])
flags_router = Router(tags=["claims"])

VERDICTS_WAIT = (
    "*False* and *corroborated* may wait for a verifier of another organisation (`public` "
    "false): she confirms by giving the same verdict."
)
VERDICT_ERRORS = (
    "Refusals: 403 `not_a_verifier` (the token's account is not a verifier), "
    "`not_a_verifier_of_organisation`; 400 `organisation_required` (she verifies for "
    "several organisations: name one), `unknown_verdict`, `rationale_required`, "
    "`rationale_too_long`, `evidence_required`, `evidence_too_many`, `evidence_kind_unknown`, "
    "`evidence_link_invalid`, `evidence_document_invalid`, `evidence_response_unknown`, "
    "`evidence_photo_unknown`, `evidence_needs_case` (each with `details.index`); 409 "
    "`same_organisation` or `same_verifier` (a confirmation must come from another verifier "
    "of another organisation). A refused verdict writes nothing."
)


class EvidenceIn(InputSchema):
    kind: str = Field(description="link, document, response or photo.")
    url: str | None = Field(None, description="For a link: an http or https address.")
    path: str | None = Field(
        None, description="For a document: its path on this site, starting with /."
    )
    event: Id | None = Field(
        None, description="For a response: the id of an official response on the case's timeline."
    )
    key: str | None = Field(None, max_length=32, description="For a photo: its key.")


class VerdictIn(InputSchema):
    organisation: str = Field(
        "",
        description="The slug of the organisation the verifier acts for; empty: her only "
        "verifying organisation, or for staff the site's staff.",
    )
    verdict: str = Field(
        description="unverified, checking, corroborated, disputed, false or not_a_claim."
    )
    rationale: str = Field(
        "", description="Why, for the public; needed for every verdict but unverified."
    )
    evidence: list[EvidenceIn] = Field(
        default_factory=list,
        description="At least one piece for every verdict but unverified (a confirmation "
        "may give none).",
    )

    def service_arguments(self) -> dict[str, Any]:
        """What `services.case_verdict_give` and `claim_verdict_give` take of it."""
        return {
            "organisation": self.organisation,
            "verdict": self.verdict,
            "rationale": self.rationale,
            "evidence": [item.model_dump(exclude_none=True) for item in self.evidence],
        }


class AppearanceIn(InputSchema):
    url: str = Field("", description="Where it was posted (http or https); quoted, never fetched.")
    platform: str = Field("", description="Where it circulates, e.g. Weibo or a WeChat group.")
    seen_on: date | None = Field(None, description="The day it was seen, YYYY-MM-DD.")


class ClaimIn(InputSchema):
    organisation: str = Field("", description="As for a verdict.")
    statement: str = Field(description="The claim as it circulates, at most 2,000 characters.")
    appearances: list[AppearanceIn] = Field(
        description="Where it was seen: 1 to 10, each with an address or a platform."
    )


class AppearanceOut(Schema):
    url: str
    platform: str
    seen_on: date | None


class ClaimOut(Schema):
    id: int
    url: str = Field(description="The page that shows the claim and its verdict.")
    text: str = Field(description="The claim: the case's title, or the statement written down.")
    case: int | None = Field(description="The case it is about, or null for a written claim.")
    verdict: str
    public_verdict: VerdictOut | None = Field(
        description="The public verdict with its rationale, evidence and organisations; "
        "null while unverified."
    )
    awaiting_confirmation: bool = Field(
        description="A false or corroborated verdict waits for a verifier of another "
        "organisation; what it is stays private until then."
    )
    appearances: list[AppearanceOut]


class VerdictGivenOut(Schema):
    public: bool = Field(
        description="True: the verdict is published. False: it waits for a verifier of "
        "another organisation."
    )
    kind: str = Field(
        description="What was written: verdict_published, verdict_proposed or verdict_confirmed."
    )
    claim: ClaimOut


class ClaimReviewPageOut(Schema):
    results: list[dict[str, Any]] = Field(
        description="schema.org ClaimReview objects (JSON-LD), the most recent verdict first. "
        "reviewRating: 1 false, 3 disputed, 5 corroborated (worstRating 1, bestRating 5); "
        "not a claim has its alternateName alone."
    )
    next_after: str | None = Field(
        description="Give it as `after` for the next page; null on the last page."
    )


class ClaimReviewQuery(InputSchema):
    after: str | None = Field(None, max_length=40, description="The `next_after` of a page.")
    limit: int = Field(20, ge=1, le=100, description="Reviews per page, at most 100.")


def claim_out(request: HttpRequest, claim: Claim) -> dict[str, object]:
    return {
        "id": claim.pk,
        "url": request.build_absolute_uri(reviews.claim_path(claim)),
        "text": claim.text,
        "case": claim.case_id,
        "verdict": claim.verdict,
        "public_verdict": reviews.claim_verdict(claim),
        "awaiting_confirmation": claim.proposal_id is not None,
        "appearances": [
            {"url": seen.url, "platform": seen.platform, "seen_on": seen.seen_on}
            for seen in claim.appearances.all()
        ],
    }


def _given(request: HttpRequest, given: VerdictGiven) -> Status[dict[str, object]]:
    claim = selectors.claim_detail(given.claim.pk)
    return Status(
        201,
        {"public": given.public, "kind": given.event.kind, "claim": claim_out(request, claim)},
    )


_VERDICT_RESPONSES: dict[int, Any] = {
    201: VerdictGivenOut,
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    410: ErrorOut,
}


def give_case_verdict(
    request: HttpRequest, case_id: Id, verdict: VerdictIn
) -> Status[dict[str, object]]:
    given = services.case_verdict_give(
        actor=api_account(request), case_id=case_id, **verdict.service_arguments()
    )
    return _given(request, given)


def add_case_verdicts(cases_router: Router) -> None:
    """Add POST "/{case_id}/verdicts" to the cases app's router."""
    cases_router.post(
        "/{case_id}/verdicts",
        response=_VERDICT_RESPONSES,
        auth=BearerToken(),
        summary="Give a verdict on a case",
        description=f"A verifier's verdict on a public case. {VERDICTS_WAIT}\n\n{VERDICT_ERRORS}"
        " A hidden case is refused with 410 `hidden`, a case not public with 404.",
    )(give_case_verdict)


@router.post(
    "",
    response={201: ClaimOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    auth=BearerToken(),
    summary="Write down a claim",
)
def write_claim(request: HttpRequest, claim: ClaimIn) -> Status[dict[str, object]]:
    """A verifier writes down a claim as it circulates, with where she saw it. Refusals:
    403 `not_a_verifier`; 400 `statement_required`, `statement_too_long`,
    `appearance_required`, `appearances_too_many`, `appearance_url_invalid`,
    `appearance_empty`, `platform_too_long`, `appearance_date_invalid`,
    `appearance_in_future` (with `details.index`). Nothing is written on a refusal."""
    written = services.claim_write(
        actor=api_account(request),
        organisation=claim.organisation,
        statement=claim.statement,
        appearances=[appearance.model_dump() for appearance in claim.appearances],
    )
    return Status(201, claim_out(request, selectors.claim_detail(written.pk)))


class DeskClaimOut(Schema):
    id: int
    url: str = Field(description="The page that shows the claim and its verdict.")
    text: str
    case: int | None = Field(description="The case it is about, or null for a written claim.")
    verdict: str = Field(description="Its public verdict.")
    public_verdict: VerdictOut | None
    at: datetime = Field(
        description="When the verdict was given, or, waiting for a second verifier, since "
        "when it waits; to the minute."
    )


class ClusterOut(Schema):
    case: int
    url: str
    title: str
    verdict: str
    reports: int = Field(description="The case and the other reports of its story.")
    merged: int = Field(
        description="Reports merged into it by verifiers or hidden by moderators as its duplicates."
    )
    suggested: int = Field(
        description="Public cases suggested as its duplicates that no verifier has decided of yet."
    )
    joined_at: datetime = Field(
        description="When the latest of them joined it or was suggested; to the minute."
    )


class DeskOut(Schema):
    being_checked: list[DeskClaimOut] = Field(description="Verdict *being checked*, newest first.")
    recent_verdicts: list[DeskClaimOut] = Field(
        description="Verdicts that conclude something, newest first (all of them: "
        "GET /api/v1/claim-reviews)."
    )
    clusters: list[ClusterOut] = Field(description="The stories reported most often.")
    awaiting_confirmation: list[DeskClaimOut] = Field(
        description="False or corroborated proposed by a verifier, waiting for a verifier of "
        "another organisation, the longest waiting first; what was proposed is not public."
    )


def _desk_claim(request: HttpRequest, entry: desk.DeskEntry) -> dict[str, object]:
    return {
        "id": entry.claim.pk,
        "url": request.build_absolute_uri(entry.path),
        "text": entry.text,
        "case": entry.claim.case_id,
        "verdict": entry.claim.verdict,
        "public_verdict": entry.verdict,
        "at": entry.at,
    }


def _cluster(request: HttpRequest, cluster: selectors.Cluster) -> dict[str, object]:
    return {
        "case": cluster.case.pk,
        "url": request.build_absolute_uri(reverse("cases:detail", args=[cluster.case.pk])),
        "title": cluster.case.readable_title,
        "verdict": cluster.case.verdict,
        "reports": cluster.reports,
        "merged": cluster.merged,
        "suggested": cluster.suggested,
        "joined_at": cluster.joined_at,
    }


@router.get("/desk", response={200: DeskOut}, summary="The rumour desk")
@decorate_view(public_page(tags_for_everything(CLAIMS, CASES, ORGANISATIONS)))
def rumour_desk(request: HttpRequest) -> dict[str, object]:
    """What the rumour desk (/claims/) lists: claims and cases being checked, recent
    verdicts, the stories reported most often (a public case with the reports merged
    into it and those suggested as its duplicates) and the verdicts that wait for a
    second verifier, ten of each. Each has its Atom feed under /claims/."""
    sections = selectors.rumour_desk()
    return {
        "being_checked": [
            _desk_claim(request, desk.judged(claim)) for claim in sections.being_checked
        ],
        "recent_verdicts": [
            _desk_claim(request, desk.judged(claim)) for claim in sections.recent_verdicts
        ],
        "clusters": [_cluster(request, cluster) for cluster in sections.clusters],
        "awaiting_confirmation": [
            _desk_claim(request, desk.awaiting(claim, proposals=False))
            for claim in sections.awaiting_confirmation
        ],
    }


@router.get(
    "/{claim_id}",
    response={200: ClaimOut, 404: ErrorOut},
    summary="One claim",
)
@decorate_view(public_page(lambda claim_id: (claim_tag(claim_id), CLAIMS, ORGANISATIONS)))
def get_claim(request: HttpRequest, claim_id: Id) -> dict[str, object]:
    """A claim with its public verdict and where it was seen. A claim about a case that
    is not public answers 404."""
    return claim_out(request, selectors.claim_detail(claim_id))


@router.post(
    "/{claim_id}/verdicts",
    response=_VERDICT_RESPONSES,
    auth=BearerToken(),
    summary="Give a verdict on a claim",
    description="A verifier's verdict on a claim (a case's claim is judged through its case). "
    f"{VERDICTS_WAIT}\n\n{VERDICT_ERRORS}",
)
def give_claim_verdict(
    request: HttpRequest, claim_id: Id, verdict: VerdictIn
) -> Status[dict[str, object]]:
    given = services.claim_verdict_give(
        actor=api_account(request), claim_id=claim_id, **verdict.service_arguments()
    )
    return _given(request, given)


@reviews_router.get(
    "",
    response={200: ClaimReviewPageOut, 400: ErrorOut},
    summary="ClaimReviews of public verdicts",
)
@decorate_view(public_page(tags_for_everything(CLAIMS, CASES, ORGANISATIONS)))
def list_claim_reviews(request: HttpRequest, query: Query[ClaimReviewQuery]) -> dict[str, object]:
    """Every public verdict that concludes something (corroborated, disputed, false, not a
    claim), on cases and on written claims, as schema.org ClaimReview, the most recent
    first, a page at a time (`after`). A damaged `after` is refused with `invalid_cursor`."""
    after = selectors.ReviewCursor.parse(query.after) if query.after else None
    claims = selectors.reviewed_claims(after=after, limit=query.limit + 1)
    page = claims[: query.limit]
    found = [reviews.review_of(claim, absolute=request.build_absolute_uri) for claim in page]
    return {
        "results": [review for review in found if review is not None],
        "next_after": str(selectors.ReviewCursor.of(page[-1])) if len(claims) > len(page) else None,
    }


class FlagIn(InputSchema):
    case: Id | None = Field(
        None, description="A public case: its report, or with `event` an entry of its timeline."
    )
    event: Id | None = Field(
        None, description="An entry of a public case's timeline with a public text."
    )
    claim: Id | None = Field(None, description="A claim written down by a verifier.")
    kind: str = Field(
        description="`rumour` (for verifiers to check) or `exposes_person` (a text that "
        "exposes a private person, for moderators)."
    )
    note: str = Field(
        "",
        description="Why, for verifiers or moderators (at most 1,000 characters; personal "
        "data removed before it is stored).",
    )
    altcha: str = Field(
        "",
        description="Without a token: the base64 solution of a challenge from GET "
        "/altcha/challenge (ALTCHA proof of work).",
    )


class FlagTakenOut(Schema):
    message: str = Field(description="Thanks, the same whether or not it was flagged before.")


@flags_router.post(
    "",
    response={
        202: FlagTakenOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Flag a public text",
)
def flag_text(request: HttpRequest, flag: Form[FlagIn]) -> Status[dict[str, object]]:
    """Flag a public case, an entry of its timeline (`case` and `event`, or `event`
    alone) or a written claim as a rumour to check or as exposing a person, as
    multipart/form-data or a urlencoded form. Anyone may; without a token the proof of
    work is required (`altcha`). Who flagged is never kept: a second flag of one item
    by one client in a week counts once, and the answer is the same thanks.

    Refusals, each writing nothing: 400 `flag_target_required`, `unknown_flag_kind`,
    `note_too_long`, `proof_of_work_required`, `proof_of_work_invalid`,
    `proof_of_work_expired`, `proof_of_work_replayed`; 404 `not_found` (no such public
    text); 429 `rate_limited` (with `details.retry_after` and `details.limit`, and a
    Retry-After header)."""
    target = selectors_flags.flag_target(
        case_id=flag.case, event_id=flag.event, claim_id=flag.claim
    )
    checked = services_flags.check_flag(flag.kind, flag.note)
    flagger = flag_guard.admit_flagger(request, api_actor(request), proof_required=True)
    services_flags.flag_raise(
        target=target, flag=checked, key=services_flags.flag_key(flagger, target, checked.kind)
    )
    return Status(202, {"message": _("Thank you. Verifiers and moderators will look at it.")})
