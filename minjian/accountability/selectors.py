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

Medians and 90th percentiles are *nearest-rank* percentiles: sorted ascending, the
value at rank ceil(percent × n / 100) counting from 1 (for an even count, the median is
the lower of the two middle values) — always a duration one case really had, never an
interpolation between two.

These facts are kept per (organisation, case) in `RoutedCase` as the timelines grow
(`minjian.accountability.facts`), so a page reads them with a few aggregate queries,
however many cases were routed.

Only cases the public can read count. A case hidden by a moderator drops out of
every figure, because its timeline is no longer public: every figure can then
be recomputed from public pages alone. The moderation log lists every hide, so
an organisation cannot make its slow cases vanish in silence.

Internal notes are never responses: they are not among RESPONSE_KINDS, and any
event marked internal is left out whatever its kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accountability.facts import to_second
from minjian.accountability.models import DeliveredPetition, RoutedCase
from minjian.cases.models import Case
from minjian.core.errors import NotFound
from minjian.orgs.models import Organisation

# An organisation takes a place in the league table once this many cases were routed
# to it in the period: below that, one quick or slow answer would decide its place.
MIN_ROUTED_TO_RANK = 5

# The periods a reader can choose, in days before now (None: since the beginning).
PERIODS: dict[str, int | None] = {"30": 30, "90": 90, "365": 365, "all": None}
DEFAULT_PERIOD: Final = "all"

# The percentiles each duration is summed up by.
MEDIAN, P90 = 50, 90


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
) -> QuerySet[RoutedCase]:
    """One row per (organisation, public case routed to it in the period), ordered by
    organisation and routed time: a query to iterate, never loaded whole."""
    facts = RoutedCase.objects.all()
    if organisation is not None:
        facts = facts.filter(organisation=organisation)
    elif filters.organisation_kind:
        facts = facts.filter(organisation__kind=filters.organisation_kind)
    since = filters.routed_since(now or timezone.now())
    if since is not None:
        facts = facts.filter(routed_at__gte=to_second(since))
    return facts.order_by("organisation_id", "routed_at", "case_id")


def organisation_figures(
    filters: Filters, *, now: datetime | None = None
) -> list[OrganisationFigures]:
    """The figures of every organisation with cases routed to it in the period, in
    four queries whatever the number of organisations and cases."""
    facts = case_facts(filters, now=now)
    return _figures(facts)


def figures_of(
    organisation: Organisation, filters: Filters, *, now: datetime | None = None
) -> OrganisationFigures:
    facts = case_facts(filters, organisation=organisation, now=now)
    [figures] = _figures(facts, {organisation.pk: organisation}) or [_no_figures(organisation)]
    return figures


def _figures(
    facts: QuerySet[RoutedCase], organisations: dict[int, Organisation] | None = None
) -> list[OrganisationFigures]:
    """The figures of the organisations of these facts (read from the database unless
    they are given)."""
    # Counted over columns of the index by organisation and time, never the row's id,
    # so that PostgreSQL reads the index alone.
    counted = {
        "routed": Count("routed_at"),
        "acknowledged": Count("routed_at", filter=Q(acknowledged=True)),
        "answered": Count("routed_at", filter=Q(answered=True)),
        "resolved": Count("resolution_seconds"),
        "responded": Count("first_response_seconds"),
    }
    counts = (
        facts.order_by()
        .values("organisation_id")
        .annotate(**{f"{figure}_count": count for figure, count in counted.items()})
    )
    responses = _nearest_ranks(facts, "first_response_seconds")
    resolutions = _nearest_ranks(facts, "resolution_seconds")
    rows = list(counts)
    if organisations is None:
        organisations = Organisation.objects.in_bulk([row["organisation_id"] for row in rows])
    return [
        OrganisationFigures(
            organisation=organisations[row["organisation_id"]],
            **{figure: row[f"{figure}_count"] for figure in counted},
            median_first_response=responses.get((row["organisation_id"], MEDIAN)),
            p90_first_response=responses.get((row["organisation_id"], P90)),
            median_resolution=resolutions.get((row["organisation_id"], MEDIAN)),
            p90_resolution=resolutions.get((row["organisation_id"], P90)),
        )
        for row in rows
    ]


def _nearest_ranks(
    facts: QuerySet[RoutedCase] | QuerySet[DeliveredPetition], column: str
) -> dict[tuple[int, int], timedelta]:
    """The median and 90th percentile of a duration column for each organisation, as
    {(organisation id, percent): duration}, computed by the database: each row is
    numbered within its organisation in ascending order, and the rows whose number is
    a percentile's rank are kept."""
    numbered = (
        facts.filter(**{f"{column}__isnull": False})
        .order_by()
        .annotate(
            position=Window(RowNumber(), partition_by=[F("organisation_id")], order_by=column),
            out_of=Window(Count(column), partition_by=[F("organisation_id")]),
        )
    )
    # ceil(percent × n / 100) in integer arithmetic, the same on both databases.
    rank = {percent: (F("out_of") * percent + 99) / 100 for percent in (MEDIAN, P90)}
    found: dict[tuple[int, int], timedelta] = {}
    for organisation_id, position, out_of, seconds in numbered.filter(
        Q(position=rank[MEDIAN]) | Q(position=rank[P90])
    ).values_list("organisation_id", "position", "out_of", column):
        for percent in (MEDIAN, P90):
            if position == -(-percent * out_of // 100):
                found[organisation_id, percent] = timedelta(seconds=seconds)
    return found


def _no_figures(organisation: Organisation) -> OrganisationFigures:
    return OrganisationFigures(
        organisation=organisation,
        routed=0,
        acknowledged=0,
        answered=0,
        resolved=0,
        responded=0,
        median_first_response=None,
        p90_first_response=None,
        median_resolution=None,
        p90_resolution=None,
    )


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
