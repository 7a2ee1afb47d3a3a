"""Accountability figures per organisation, computed only from the case timeline.

For an organisation O, over the public cases routed to it (the shared contract):

- routed: cases with a `routed` event for O. A case's *routed time* is O's first
  `routed` event for it; the period filter picks cases by this time.
- acknowledged: routed cases with an `acknowledged` event for O.
- answered: routed cases with a `public_update` or `official_response` event for O.
- resolved: routed cases with a `resolved` event (by anyone) after the routed time.
- responded: routed cases with any event of `CaseEvent.RESPONSE_KINDS` for O.
- time to first response: O's first event of `CaseEvent.RESPONSE_KINDS` minus the
  routed time. An organisation that responded before the case reached its inbox
  (it may act on any public case) has a time of zero, never a negative one.
- time to resolution: the first `resolved` event after the routed time, minus it.

Every time is taken to the whole second (fractions dropped) before subtracting,
so the per-case CSV, which shows those times, gives exactly the same durations
to anyone who subtracts its columns.

Medians and 90th percentiles are *nearest-rank* percentiles (`nearest_rank`):
always a duration one case really had, never an interpolation between two.

Only cases the public can read count. A case hidden by a moderator drops out of
every figure, because its timeline is no longer public: every figure can then
be recomputed from public pages alone. The moderation log lists every hide, so
an organisation cannot make its slow cases vanish in silence.

Internal notes are never responses: they are not among RESPONSE_KINDS, and any
event marked internal is left out whatever its kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Protocol, TypeVar

from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.cases.models import Case, CaseEvent
from minjian.core.errors import NotFound
from minjian.orgs.models import Organisation

Kind = CaseEvent.Kind
ANSWER_KINDS = (Kind.PUBLIC_UPDATE, Kind.OFFICIAL_RESPONSE)
ORGANISATION_KINDS = (Kind.ROUTED, *CaseEvent.RESPONSE_KINDS)
# When two responses share their first second, the one named first is the first response.
RESPONSE_ORDER: dict[str, int] = {
    kind: position for position, kind in enumerate(CaseEvent.RESPONSE_KINDS)
}

# An organisation takes a place in the league table once this many cases were routed
# to it in the period: below that, one quick or slow answer would decide its place.
MIN_ROUTED_TO_RANK = 5

# The periods a reader can choose, in days before now (None: since the beginning).
PERIODS: dict[str, int | None] = {"30": 30, "90": 90, "365": 365, "all": None}
DEFAULT_PERIOD: Final = "all"


class Comparable(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


Ordered = TypeVar("Ordered", bound=Comparable)


def nearest_rank(values: Iterable[Ordered], percent: int) -> Ordered | None:
    """The nearest-rank percentile: the smallest of the values such that at least
    `percent` per cent of them are less than or equal to it. None when there are none.

    Sorted ascending, it is the value at rank ceil(percent × n / 100), counting from
    1 (and rank 1 for percent 0). The median is `nearest_rank(values, 50)`: for an
    even count, the lower of the two middle values.
    """
    if not 0 <= percent <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {percent}")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, -(-percent * len(ordered) // 100))
    return ordered[rank - 1]


def _to_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


@dataclass(frozen=True)
class CaseFacts:
    """What the figures of one organisation take from one case routed to it."""

    organisation_id: int
    case_id: int
    routed_at: datetime
    first_response_at: datetime | None
    first_response_kind: str
    acknowledged: bool
    answered: bool
    resolved_at: datetime | None

    @property
    def responded(self) -> bool:
        return self.first_response_at is not None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def time_to_first_response(self) -> timedelta | None:
        if self.first_response_at is None:
            return None
        return max(timedelta(0), self.first_response_at - self.routed_at)

    @property
    def time_to_resolution(self) -> timedelta | None:
        if self.resolved_at is None:
            return None
        return self.resolved_at - self.routed_at


@dataclass(frozen=True)
class OrganisationFigures:
    organisation: Organisation
    routed: int
    acknowledged: int
    answered: int
    resolved: int
    responded: int
    median_first_response: timedelta | None
    p90_first_response: timedelta | None
    median_resolution: timedelta | None
    p90_resolution: timedelta | None

    @classmethod
    def from_facts(
        cls, organisation: Organisation, facts: Sequence[CaseFacts]
    ) -> OrganisationFigures:
        responses = [
            f.time_to_first_response for f in facts if f.time_to_first_response is not None
        ]
        resolutions = [f.time_to_resolution for f in facts if f.time_to_resolution is not None]
        return cls(
            organisation=organisation,
            routed=len(facts),
            acknowledged=sum(f.acknowledged for f in facts),
            answered=sum(f.answered for f in facts),
            resolved=len(resolutions),
            responded=len(responses),
            median_first_response=nearest_rank(responses, 50),
            p90_first_response=nearest_rank(responses, 90),
            median_resolution=nearest_rank(resolutions, 50),
            p90_resolution=nearest_rank(resolutions, 90),
        )

    @property
    def response_rate(self) -> float | None:
        """The share of routed cases the organisation responded to in any way."""
        return self.responded / self.routed if self.routed else None

    @property
    def answered_share(self) -> float | None:
        """The share of routed cases the organisation answered in words."""
        return self.answered / self.routed if self.routed else None

    @property
    def rankable(self) -> bool:
        return self.routed >= MIN_ROUTED_TO_RANK


@dataclass(frozen=True)
class Filters:
    """Which cases and organisations the figures cover."""

    period: str = DEFAULT_PERIOD
    organisation_kind: str | None = None

    def routed_since(self, now: datetime) -> datetime | None:
        days = PERIODS[self.period]
        return None if days is None else now - timedelta(days=days)


def case_facts(
    filters: Filters, *, organisation: Organisation | None = None, now: datetime | None = None
) -> list[CaseFacts]:
    """One row per (organisation, public case routed to it in the period), in two queries,
    ordered by organisation and routed time."""
    routed_events = CaseEvent.objects.filter(
        kind=Kind.ROUTED, organisation__isnull=False, case__state__in=Case.PUBLIC_STATES
    )
    if organisation is not None:
        routed_events = routed_events.filter(organisation=organisation)
    elif filters.organisation_kind:
        routed_events = routed_events.filter(organisation__kind=filters.organisation_kind)
    since = filters.routed_since(now or timezone.now())
    if since is not None:
        since = _to_second(since)
        # Narrows the cases read to those routed in the period; whether a case's *first*
        # routing falls in the period is decided below, from all its routed events.
        routed_events = routed_events.filter(created_at__gte=since)
    # The first event of each kind each organisation wrote or received on each case.
    firsts = (
        CaseEvent.objects.filter(
            kind__in=ORGANISATION_KINDS,
            internal=False,
            case_id__in=routed_events.values("case_id"),
            organisation_id__in=routed_events.values("organisation_id"),
        )
        .values("organisation_id", "case_id", "kind")
        .annotate(first_at=Min("created_at"))
        .order_by()
    )
    first_of: dict[tuple[int, int], dict[str, datetime]] = defaultdict(dict)
    for row in firsts:
        first_of[row["organisation_id"], row["case_id"]][row["kind"]] = _to_second(row["first_at"])
    resolutions: dict[int, list[datetime]] = defaultdict(list)
    for case_id, resolved_at in (
        CaseEvent.objects.filter(kind=Kind.RESOLVED, case_id__in=routed_events.values("case_id"))
        .order_by("created_at", "id")
        .values_list("case_id", "created_at")
    ):
        resolutions[case_id].append(_to_second(resolved_at))

    facts = []
    for (organisation_id, case_id), first in first_of.items():
        routed_at = first.get(Kind.ROUTED)
        # The other organisations of a routed case, or a case routed before the period.
        if routed_at is None or (since is not None and routed_at < since):
            continue
        responses = sorted(
            (moment, RESPONSE_ORDER[kind], kind)
            for kind, moment in first.items()
            if kind in RESPONSE_ORDER
        )
        facts.append(
            CaseFacts(
                organisation_id=organisation_id,
                case_id=case_id,
                routed_at=routed_at,
                first_response_at=responses[0][0] if responses else None,
                first_response_kind=responses[0][2] if responses else "",
                acknowledged=Kind.ACKNOWLEDGED in first,
                answered=any(kind in first for kind in ANSWER_KINDS),
                resolved_at=next((m for m in resolutions[case_id] if m > routed_at), None),
            )
        )
    facts.sort(key=lambda f: (f.organisation_id, f.routed_at, f.case_id))
    return facts


def organisation_figures(
    filters: Filters, *, now: datetime | None = None
) -> list[tuple[OrganisationFigures, list[CaseFacts]]]:
    """The figures of every organisation with cases routed to it in the period, with
    the facts they come from, in three queries whatever the number of organisations."""
    facts = case_facts(filters, now=now)
    by_organisation: dict[int, list[CaseFacts]] = defaultdict(list)
    for fact in facts:
        by_organisation[fact.organisation_id].append(fact)
    organisations = Organisation.objects.in_bulk(list(by_organisation))
    return [
        (OrganisationFigures.from_facts(organisations[pk], rows), rows)
        for pk, rows in by_organisation.items()
    ]


def figures_of(
    organisation: Organisation, filters: Filters, *, now: datetime | None = None
) -> tuple[OrganisationFigures, list[CaseFacts]]:
    facts = case_facts(filters, organisation=organisation, now=now)
    return OrganisationFigures.from_facts(organisation, facts), facts


def organisation_by_slug(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    return organisation


def case_titles(case_ids: Iterable[int]) -> dict[int, str]:
    """The readable titles of public cases, for the cases an organisation page lists."""
    cases: QuerySet[Case] = Case.objects.filter(
        pk__in=list(case_ids), state__in=Case.PUBLIC_STATES
    ).only("pk", "title")
    return {case.pk: case.readable_title for case in cases}


# The orders of the league table: a figure, and whether a larger value is better.
SORTS: dict[str, tuple[str, bool]] = {
    "median_response": ("median_first_response", False),
    "p90_response": ("p90_first_response", False),
    "median_resolution": ("median_resolution", False),
    "response_rate": ("response_rate", True),
    "answered_share": ("answered_share", True),
    "routed": ("routed", True),
}
DEFAULT_SORT: Final = "median_response"


@dataclass(frozen=True)
class LeagueRow:
    rank: int | None
    figures: OrganisationFigures


def league_table(
    figures: Iterable[OrganisationFigures], sort: str = DEFAULT_SORT
) -> list[LeagueRow]:
    """Organisations with at least MIN_ROUTED_TO_RANK routed cases first, ranked by the
    chosen figure (best first; an organisation without that figure after those with it);
    ties go to the higher response rate, then to more routed cases, then by slug.
    The others follow in the same order without a rank."""
    attribute, larger_is_better = SORTS[sort]

    def key(row: OrganisationFigures) -> tuple[bool, bool, float, float, int, str]:
        value = getattr(row, attribute)
        if isinstance(value, timedelta):
            value = value.total_seconds()
        measured = value is not None
        number = float(value) if value is not None else 0.0
        return (
            not row.rankable,
            not measured,
            -number if larger_is_better else number,
            -(row.response_rate or 0.0),
            -row.routed,
            row.organisation.slug,
        )

    ordered = sorted(figures, key=key)
    ranked = [row for row in ordered if row.rankable]
    return [LeagueRow(position, row) for position, row in enumerate(ranked, start=1)] + [
        LeagueRow(None, row) for row in ordered if not row.rankable
    ]
