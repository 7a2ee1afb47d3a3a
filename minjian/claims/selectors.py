"""Every read of claims a page, the API, a feed or another app needs.

Public lists show only claims the public may read: a verifier's written claim, or a
claim about a case that is public now. For the rumour desk (`claims_being_checked`,
`claims_awaiting_confirmation`, `recent_verdicts`) each is a queryset, newest first,
for the caller to slice or page; `most_reported_clusters` counts the reports of one
story, and `rumour_desk` reads the four sections at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from minjian.cases.claim_review import CONCLUSIONS
from minjian.cases.models import Case, CaseEvent, CasePhoto, DuplicateSuggestion
from minjian.cases.selectors import Audience, text_audience
from minjian.cases.times import public_time
from minjian.claims.models import Claim, ClaimAppearance, ClaimEvent
from minjian.core.cursors import cursor_text, older_than, parse_cursor
from minjian.core.errors import NotFound

Verdict = Case.Verdict

_PUBLIC = Q(case__isnull=True) | Q(case__state__in=Case.PUBLIC_STATES)


def public_claims() -> QuerySet[Claim]:
    """Claims the public reads, with what a list shows of them (case, published verdict
    and its organisation, appearances)."""
    return (
        Claim.objects.filter(_PUBLIC)
        .select_related("case", "published", "published__organisation")
        .prefetch_related(Prefetch("appearances", queryset=ClaimAppearance.objects.all()))
    )


def claim_detail(claim_id: int) -> Claim:
    """One public claim with its log (organisations named) and appearances."""
    claim = (
        public_claims()
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ClaimEvent.objects.select_related("organisation").order_by(
                    "created_at", "id"
                ),
            )
        )
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise NotFound(_("There is no such claim."))
    return claim


def claims_being_checked() -> QuerySet[Claim]:
    """Claims whose public verdict is *being checked*, most recently judged first."""
    return public_claims().filter(verdict=Verdict.CHECKING).order_by("-verdict_at", "-id")


def claims_awaiting_confirmation() -> QuerySet[Claim]:
    """Claims whose *false* or *corroborated* verdict waits for a verifier of another
    organisation ("needs a second verifier"), the longest waiting first, with the
    proposal and its organisation. The proposed verdict is not public: show it to
    verifiers only (`claims.access.may_judge`)."""
    return (
        public_claims()
        .filter(proposal__isnull=False)
        .select_related("proposal", "proposal__organisation")
        .order_by("proposal__created_at", "proposal_id")
    )


def recent_verdicts() -> QuerySet[Claim]:
    """Claims with a public verdict that concludes something (not *unverified*, not
    *being checked*): what ClaimReview publishes. The most recent first."""
    return (
        public_claims()
        .filter(verdict__in=CONCLUSIONS, published__isnull=False)
        .order_by("-verdict_at", "-id")
    )


@dataclass(frozen=True)
class Cluster:
    """A public case and the other reports of its story: those merged into it (or hidden
    as its duplicates by a moderator), and the public cases suggested as its duplicates
    that no verifier has decided of yet."""

    case: Case
    merged: int
    suggested: int
    # When the latest of them joined it or was suggested, to the minute.
    joined_at: datetime

    @property
    def reports(self) -> int:
        return 1 + self.merged + self.suggested


_DUPLICATES = Case.objects.filter(
    state=Case.State.HIDDEN,
    hidden_reason=Case.HiddenReason.DUPLICATE,
    duplicate_of__isnull=False,
).order_by()
_PENDING = DuplicateSuggestion.objects.filter(
    status=DuplicateSuggestion.Status.SUGGESTED, case__state__in=Case.PUBLIC_STATES
).order_by()


def most_reported_clusters(*, limit: int) -> list[Cluster]:
    """The public cases with the most other reports of their story, most first (then the
    most merged, then the newest case), `limit` of them. In one query: the candidates
    are the public cases that some hidden duplicate names (`duplicate_of`: a merge
    moves the reports merged before to the new original, so a cluster is one level
    deep) or that a pending suggestion names as its original, found by a UNION of those
    two small sets; each candidate's duplicates and suggestions are counted by
    subqueries on the indexes of `duplicate_of` and `original`. A group of suggestions
    is the star around one original (suggestions are made newer-to-older), not the
    transitive closure of every pair, which only a verifier's merges establish."""
    merged = _DUPLICATES.filter(duplicate_of=OuterRef("pk")).values("duplicate_of")
    suggested = _PENDING.filter(original=OuterRef("pk")).values("original")
    candidates = _DUPLICATES.values("duplicate_of").union(_PENDING.values("original"), all=True)
    cases = (
        Case.objects.filter(state__in=Case.PUBLIC_STATES, pk__in=candidates)
        .annotate(
            merged=Coalesce(Subquery(merged.annotate(n=Count("pk")).values("n")), 0),
            merged_at=Subquery(merged.annotate(at=Max("updated_at")).values("at")),
            suggested=Coalesce(Subquery(suggested.annotate(n=Count("pk")).values("n")), 0),
            suggested_at=Subquery(suggested.annotate(at=Max("created_at")).values("at")),
        )
        .annotate(reports=F("merged") + F("suggested"))
        .select_related("topic", "region")
        .order_by("-reports", "-merged", "-id")[:limit]
    )
    return [
        Cluster(
            case=case,
            merged=case.merged,
            suggested=case.suggested,
            joined_at=public_time(
                max(at for at in (case.merged_at, case.suggested_at) if at is not None)
            ),
        )
        for case in cases
    ]


@dataclass(frozen=True)
class Desk:
    """The rumour desk's sections, `DESK_LENGTH` of each."""

    being_checked: list[Claim]
    recent_verdicts: list[Claim]
    clusters: list[Cluster]
    awaiting_confirmation: list[Claim]


DESK_LENGTH = 10


def rumour_desk() -> Desk:
    """What the rumour desk lists, in four queries (its lists show no appearances)."""
    return Desk(
        being_checked=list(claims_being_checked().prefetch_related(None)[:DESK_LENGTH]),
        recent_verdicts=list(recent_verdicts().prefetch_related(None)[:DESK_LENGTH]),
        clusters=most_reported_clusters(limit=DESK_LENGTH),
        awaiting_confirmation=list(
            claims_awaiting_confirmation().prefetch_related(None)[:DESK_LENGTH]
        ),
    )


@dataclass(frozen=True)
class ReviewCursor:
    """Where a page of the ClaimReview feed starts: the time and id of the claim at the
    edge of the page before (newest first), so that a deep page reads as few rows."""

    at: datetime
    claim_id: int

    @classmethod
    def of(cls, claim: Claim) -> ReviewCursor:
        assert claim.verdict_at is not None  # every claim listed has a public verdict
        return cls(claim.verdict_at, claim.pk)

    @classmethod
    def parse(cls, text: str) -> ReviewCursor:
        return cls(*parse_cursor(text))

    def __str__(self) -> str:
        return cursor_text(self.at, self.claim_id)


def reviewed_claims(*, after: ReviewCursor | None, limit: int) -> list[Claim]:
    """Public claims whose public verdict concludes something (what ClaimReview
    publishes), the most recently judged first: `limit` of them past `after`."""
    claims = recent_verdicts()
    if after is not None:
        claims = claims.filter(older_than(after.at, after.claim_id, time_field="verdict_at"))
    return list(claims[:limit])


def public_official_responses(case: Case) -> list[CaseEvent]:
    """The case's official responses the public reads (not a text still held for a
    moderator, nor one withheld): what a verdict may cite. Oldest first."""
    events = list(
        CaseEvent.objects.filter(
            case=case,
            kind__in=(CaseEvent.Kind.OFFICIAL_RESPONSE, CaseEvent.Kind.NOTE_RELEASED),
            internal=False,
        )
        .select_related("organisation")
        .order_by("created_at", "id")
    )
    released = {
        int(event.payload.get("event", 0))
        for event in events
        if event.kind == CaseEvent.Kind.NOTE_RELEASED
    }
    return [
        event
        for event in events
        if event.kind == CaseEvent.Kind.OFFICIAL_RESPONSE
        and text_audience(event, released=event.pk in released) == Audience.PUBLIC
    ]


def ready_photos(case: Case) -> list[CasePhoto]:
    """The case's photos the public sees: what a verdict may cite."""
    return list(
        CasePhoto.objects.filter(case=case, status=CasePhoto.Status.READY).order_by(
            "position", "id"
        )
    )


def case_claim(case: Case) -> Claim | None:
    """The claim about a case, if a verifier has judged it, with its pending proposal."""
    return (
        Claim.objects.select_related("proposal", "proposal__organisation").filter(case=case).first()
    )
