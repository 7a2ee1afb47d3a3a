"""Every read of petitions a page or the API needs, with its related rows fetched at once.

Counts are read from the counters `petitions.services` keeps (`Petition.validated_count`,
`PetitionRegionCount`), never counted over signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.core.moderation_log import LogEntry
from minjian.orgs.models import Organisation
from minjian.petitions.models import (
    Petition,
    PetitionEvent,
    PetitionOwner,
    PetitionRegionCount,
    Signature,
)
from minjian.places.models import Region

State = Petition.State
SignatureState = Signature.State


def petition_list(
    *, state: str | None = None, topic: str | None = None, region: Region | None = None
) -> QuerySet[Petition]:
    """Public petitions, the most recently opened first; `state` one of the public states,
    `topic` a topic's slug, `region` a region (its petitions and those of the regions under
    it)."""
    petitions = Petition.objects.filter(state__in=Petition.PUBLIC_STATES)
    if state:
        petitions = petitions.filter(state=state)
    if topic:
        petitions = petitions.filter(topic__slug=topic)
    if region is not None:
        petitions = petitions.filter(region__path__startswith=region.path)
    return petitions.select_related("addressed_organisation", "topic", "region").order_by(
        "-opened_at", "-id"
    )


def region_counts(petition: Petition) -> list[PetitionRegionCount]:
    """The provinces its validated signers gave, with their counts, by province code."""
    return list(
        petition.region_counts.filter(count__gt=0).select_related("region").order_by("region__code")
    )


@dataclass(frozen=True)
class CountsByRegion:
    regions: list[PetitionRegionCount]
    # Validated signatures that gave no province.
    without_region: int
    total: int


def counts_by_region(petition: Petition) -> CountsByRegion:
    regions = region_counts(petition)
    return CountsByRegion(
        regions=regions,
        without_region=petition.validated_count - sum(row.count for row in regions),
        total=petition.validated_count,
    )


def timeline(petition: Petition) -> list[PetitionEvent]:
    """The petition's events, oldest first, with the organisations they name."""
    return list(petition.events.select_related("organisation").order_by("created_at", "id"))


def organisation_signatures(petition: Petition) -> list[Signature]:
    """The organisations that signed (validated), shown apart from people, in signing order."""
    return list(
        petition.signatures.filter(
            state=SignatureState.VALIDATED, signed_as_organisation__isnull=False
        )
        .select_related("signed_as_organisation")
        .order_by("validated_at", "id")
    )


def recent_people_signatures(petition: Petition, limit: int = 50) -> list[Signature]:
    """The newest validated signatures of people (their names as they chose to show them)."""
    return list(
        petition.signatures.filter(
            state=SignatureState.VALIDATED, signed_as_organisation__isnull=True
        )
        .select_related("region")
        .order_by("-validated_at", "-id")[:limit]
    )


def owners(petition: Petition) -> list[PetitionOwner]:
    return list(petition.owners.select_related("organisation", "account"))


def cited_cases(petition: Petition) -> list[Case]:
    """The cases it cites that are still public."""
    return list(petition.cited_cases.filter(state__in=Case.PUBLIC_STATES).order_by("id"))


def account_signature(account: User, petition: Petition) -> Signature | None:
    """Her own (not her organisation's) signature that still holds its place, if any."""
    return (
        petition.signatures.filter(
            account=account,
            signed_as_organisation__isnull=True,
            state__in=(SignatureState.PENDING, SignatureState.VALIDATED),
        )
        .order_by("-id")
        .first()
    )


def signatures_of_account(account: User) -> QuerySet[Signature]:
    """Her signatures (not her organisations'), the newest first: her account page."""
    return (
        Signature.objects.filter(
            account=account,
            signed_as_organisation__isnull=True,
            state__in=(SignatureState.PENDING, SignatureState.VALIDATED),
        )
        .select_related("petition")
        .order_by("-created_at", "-id")
    )


def petitions_delivered_to(organisation: Organisation) -> QuerySet[Petition]:
    """The petitions delivered to `organisation` (its inbox on Minjian), newest first, the
    ones still waiting for its answer and those it answered."""
    return Petition.objects.filter(
        addressed_organisation=organisation,
        state__in=(State.DELIVERED, State.ANSWERED),
    ).order_by("-delivered_at", "-id")


def ownerships_of_organisation(organisation: Organisation) -> QuerySet[PetitionOwner]:
    """The petitions `organisation` owns or is asked to own (`accepted_at` None: its admin
    has not accepted yet), the newest first."""
    return (
        PetitionOwner.objects.filter(organisation=organisation)
        .select_related("petition")
        .order_by("-petition__created_at", "-petition_id")
    )


def moderation_queue() -> QuerySet[Petition]:
    """Petitions waiting for a moderator, oldest first."""
    return (
        Petition.objects.filter(state=State.AWAITING_MODERATION)
        .select_related("addressed_organisation")
        .order_by("created_at", "id")
    )


def signatures_needing_review(petition: Petition | None = None) -> QuerySet[Signature]:
    """Signatures taken beyond the rate limits and confirmed, waiting for a moderator."""
    signatures = Signature.objects.filter(
        needs_review=True, state=SignatureState.PENDING, confirmed_at__isnull=False
    )
    if petition is not None:
        signatures = signatures.filter(petition=petition)
    return signatures.select_related("petition", "region").order_by("created_at", "id")


@dataclass(frozen=True)
class TrendingClient:
    """A client (a keyed hash of its account or network for one day, never the address)
    that signed much lately."""

    client_key: str
    signatures: int
    petitions: int
    needing_review: int


def trending_clients(
    *, within: timedelta = timedelta(hours=24), limit: int = 50, now: datetime | None = None
) -> list[TrendingClient]:
    """The clients with the most signatures in the last `within`, most first: staff's view."""
    since = (now or timezone.now()) - within
    rows = (
        Signature.objects.filter(created_at__gte=since)
        .exclude(client_key="")
        .values("client_key")
        .annotate(
            signature_count=Count("id"),
            petition_count=Count("petition", distinct=True),
            review_count=Count("id", filter=Q(needs_review=True)),
        )
        .order_by("-signature_count", "client_key")[:limit]
    )
    return [
        TrendingClient(
            client_key=row["client_key"],
            signatures=row["signature_count"],
            petitions=row["petition_count"],
            needing_review=row["review_count"],
        )
        for row in rows
    ]


def moderation_events() -> QuerySet[PetitionEvent]:
    """Every moderator's public action on petitions, newest first."""
    return (
        PetitionEvent.objects.filter(kind__in=PetitionEvent.MODERATION_KINDS)
        .select_related("petition")
        .order_by("-created_at", "-id")
    )


def public_moderation_entries(limit: int) -> list[LogEntry]:
    """The newest `limit` moderators' actions on petitions, as the public moderation log
    lists them (`core.moderation_log`): approvals, rejections with their reason, and bulk
    invalidations with their count and reason."""
    return [
        LogEntry(
            at=event.created_at,
            action=event.kind_label,
            subject=_("Petition #%(id)d") % {"id": event.petition_id},
            url=_petition_url(event.petition_id),
            reason=str(event.payload.get("reason", "")),
            count=event.payload.get("count")
            if event.kind == PetitionEvent.Kind.SIGNATURES_INVALIDATED
            else None,
        )
        for event in moderation_events()[:limit]
    ]


def _petition_url(petition_id: int) -> str:
    # The pages are added by the web half of the app; until then the log names no address.
    try:
        return reverse("petitions:detail", args=[petition_id])
    except NoReverseMatch:
        return ""
