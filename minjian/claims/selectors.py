"""Every read of claims a page, the API, a feed or another app needs.

Public lists show only claims the public may read: a verifier's written claim, or a
claim about a case that is public now. For the rumour desk (`claims_being_checked`,
`claims_awaiting_confirmation`, `recent_verdicts`) each is a queryset, newest first,
for the caller to slice or page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from minjian.cases.claim_review import CONCLUSIONS
from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.selectors import Audience, text_audience
from minjian.claims.models import Claim, ClaimAppearance, ClaimEvent
from minjian.core.errors import DomainError, NotFound

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
    """Claims with a public verdict other than *unverified*, the most recent first."""
    return (
        public_claims()
        .filter(verdict_at__isnull=False)
        .exclude(verdict=Verdict.UNVERIFIED)
        .order_by("-verdict_at", "-id")
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
        moment, separator, claim_id = text.partition(".")
        if not (separator and _digits(moment) and _digits(claim_id)):
            raise _invalid_cursor()
        try:
            at = _EPOCH + timedelta(microseconds=int(moment))
        except OverflowError:
            raise _invalid_cursor() from None
        return cls(at, int(claim_id))

    def __str__(self) -> str:
        return f"{(self.at - _EPOCH) // timedelta(microseconds=1)}.{self.claim_id}"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _digits(text: str) -> bool:
    return 0 < len(text) <= 18 and text.isascii() and text.isdigit()


def _invalid_cursor() -> DomainError:
    return DomainError(
        "invalid_cursor",
        _("This link to a page of the list is damaged. Start again from the first page."),
        field="after",
    )


def reviewed_claims(*, after: ReviewCursor | None, limit: int) -> list[Claim]:
    """Public claims whose public verdict concludes something (what ClaimReview
    publishes), the most recently judged first: `limit` of them past `after`."""
    claims = public_claims().filter(verdict__in=CONCLUSIONS, published__isnull=False)
    if after is not None:
        claims = claims.filter(
            Q(verdict_at__lt=after.at) | Q(verdict_at=after.at, id__lt=after.claim_id)
        )
    return list(claims.order_by("-verdict_at", "-id")[:limit])


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
