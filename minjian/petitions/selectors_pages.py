"""The reads only the petitions' web pages need, beside `petitions.selectors`: the choices
their forms offer (agencies, provinces, the organisations a person administers), what a
signed-in reader's page adds (her place among the signers), and the shapes the page
draws (the progress bar, the bars and the map of the provinces, the timeline's entries)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import QuerySet

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.core.models import localized
from minjian.orgs.access import is_staff
from minjian.orgs.models import Membership, Organisation
from minjian.orgs.selectors import Viewer, is_member
from minjian.petitions import selectors
from minjian.petitions.models import Petition, PetitionEvent, PetitionOwner, Signature
from minjian.places.models import Region
from minjian.places.selectors import Drawing

Kind = PetitionEvent.Kind


def provinces() -> QuerySet[Region]:
    """The provinces a signer may give, and a list may be filtered by, by code."""
    return Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")


def agencies() -> QuerySet[Organisation]:
    """The government agencies on Minjian a petition may be addressed to."""
    return Organisation.objects.filter(kind=Organisation.Kind.AGENCY).order_by("slug")


def administered_organisations(viewer: Viewer) -> QuerySet[Organisation]:
    """The organisations `viewer` is an admin of, by address: those she may sign for,
    and make co-owners at once."""
    if not isinstance(viewer, User):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=viewer, memberships__role=Membership.Role.ADMIN
    ).order_by("slug")


def organisations_by_slugs(slugs: Iterable[str]) -> dict[str, Organisation]:
    """The organisations at these addresses, by address; an address none has is left out."""
    return {
        organisation.slug: organisation
        for organisation in Organisation.objects.filter(slug__in=list(slugs))
    }


def cases_by_ids(ids: Iterable[int]) -> dict[int, Case]:
    """The cases with these numbers, whatever their state (the service refuses those that
    are not public), by number."""
    return {case.pk: case for case in Case.objects.filter(pk__in=list(ids))}


@dataclass(frozen=True)
class OrganisationPlace:
    """An organisation the reader administers, on a petition's page: whether it signed."""

    organisation: Organisation
    signed: bool


@dataclass(frozen=True)
class ReaderPlace:
    """What a signed-in reader's copy of a petition's page adds: her own signature, the
    organisations she may sign (or withdraw) for, whether she acts for its owners, and
    the co-owner organisations waiting for her acceptance."""

    signature: Signature | None
    organisations: list[OrganisationPlace]
    is_owner: bool
    owners_to_accept: list[PetitionOwner]
    # A petition delivered: she may write its answer (a member of the organisation
    # addressed) or record it (staff).
    may_answer: bool
    is_staff: bool


def reader_place(
    viewer: User, petition: Petition, owners: list[PetitionOwner], signing_organisations: set[int]
) -> ReaderPlace:
    """`owners` and `signing_organisations` (the ids of the organisations whose signature
    holds its place) as the page read them already."""
    administered = list(administered_organisations(viewer))
    staff = is_staff(viewer)
    addressed = petition.addressed_organisation
    administered_ids = {organisation.pk for organisation in administered}
    return ReaderPlace(
        signature=selectors.account_signature(viewer, petition),
        organisations=[
            OrganisationPlace(organisation, organisation.pk in signing_organisations)
            for organisation in administered
        ],
        is_owner=petition.created_by_id == viewer.pk
        or any(
            owner.account_id == viewer.pk or owner.organisation_id in administered_ids
            for owner in owners
        ),
        owners_to_accept=[
            owner
            for owner in owners
            if owner.organisation_id in administered_ids and not owner.accepted
        ],
        may_answer=petition.state == Petition.State.DELIVERED
        and (staff or (addressed is not None and is_member(viewer, addressed))),
        is_staff=staff,
    )


def progress_percent(petition: Petition) -> int:
    """How far the count is towards the goal, 0 to 100, for the bar drawn without script."""
    return min(100, petition.validated_count * 100 // max(1, petition.signature_goal))


@dataclass(frozen=True)
class ProvinceBar:
    region: Region
    count: int
    # Its length, relative to the province with the most signatures.
    percent: int


def province_bars(counts: selectors.CountsByRegion) -> list[ProvinceBar]:
    """The provinces by count, the most first, each with the length of its bar."""
    rows = sorted(counts.regions, key=lambda row: (-row.count, row.region.code))
    most = max((row.count for row in rows), default=0)
    return [ProvinceBar(row.region, row.count, max(1, row.count * 100 // most)) for row in rows]


@dataclass(frozen=True)
class TimelineEntry:
    """One event as the public reads it: never who acted, only the organisation it names."""

    id: int
    kind: str
    label: str
    at: datetime
    organisation: Organisation | None
    # A moderator's public reason or the body's answer (stored redacted).
    note: str
    count: int | None

    @property
    def is_answer(self) -> bool:
        return self.kind == Kind.ANSWERED


def timeline_entries(events: Iterable[PetitionEvent]) -> list[TimelineEntry]:
    entries = []
    for event in events:
        count = event.payload.get("count")
        entries.append(
            TimelineEntry(
                id=event.pk,
                kind=event.kind,
                label=event.kind_label,
                at=event.created_at,
                organisation=event.organisation,
                note=str(event.payload.get("reason") or event.payload.get("note") or ""),
                count=count if isinstance(count, int) and not isinstance(count, bool) else None,
            )
        )
    return entries


def answer_of(entries: list[TimelineEntry]) -> TimelineEntry | None:
    """The body's official answer, shown first on the page."""
    return next((entry for entry in reversed(entries) if entry.is_answer), None)


# A sequential palette, lightest to darkest, for a province's share of the most signatures
# any province has; a province without any is left pale grey.
MAP_SHADES = ("#d9f0d3", "#a6dba0", "#5aae61", "#1b7837", "#00441b")
MAP_NONE = "#f0f0f0"


@dataclass(frozen=True)
class MapProvince:
    path: str
    fill: str
    # Its name and count, as a reader hovering it (or a screen reader) is told.
    label: str


def province_map(counts: selectors.CountsByRegion, drawing: Drawing) -> list[MapProvince]:
    """The provinces of `drawing`, each shaded by its validated signatures: the darkest
    for the province with the most, a fifth of the palette for each fifth below it."""
    by_code = {row.region.code: row.count for row in counts.regions}
    most = max(by_code.values(), default=0)
    provinces = []
    for region in drawing.regions:
        count = by_code.get(region.code, 0)
        fill = MAP_SHADES[(count * len(MAP_SHADES) - 1) // most] if count else MAP_NONE
        name = localized(region.name_zh, region.name_en)
        provinces.append(MapProvince(region.path, fill, f"{name}: {intcomma(count)}"))
    return provinces
