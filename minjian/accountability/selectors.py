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

Petitions count like cases. For O and the petitions delivered to its inbox
(`DeliveredPetition`, kept by `minjian.accountability.petition_facts`): delivered, the
period picking them by their delivery time; answered, those with O's official answer;
time to answer, the answer's time minus the delivery's, to the whole second, summed
up by the same nearest-rank median and 90th percentile. A petition never answered counts
as delivered and not answered, and stays out of the percentiles, as a case without a
response does. The cases' and the petitions' figures are read together: one grouped
query counts both tables, one query finds every percentile.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any, Final, NamedTuple, TypeVar

from django.db.models import CharField, Count, F, IntegerField, Model, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accountability.facts import to_second
from minjian.accountability.models import DeliveredPetition, RoutedCase
from minjian.cases.models import Case
from minjian.core.errors import NotFound
from minjian.orgs.models import Organisation

# An organisation takes a place in the league table ranked by a figure of cases once
# this many cases were routed to it in the period, by a figure of petitions once this
# many petitions were delivered to it: below that, one quick or slow answer would
# decide its place.
MIN_TO_RANK = 5

# The periods a reader can choose, in days before now (None: since the beginning).
PERIODS: dict[str, int | None] = {"30": 30, "90": 90, "365": 365, "all": None}
DEFAULT_PERIOD: Final = "all"

# The percentiles each duration is summed up by.
MEDIAN, P90 = 50, 90


@dataclass(frozen=True)
class PetitionFigures:
    """An organisation's figures of the petitions delivered to it in the period."""

    delivered: int
    answered: int
    median_time_to_answer: timedelta | None
    p90_time_to_answer: timedelta | None

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.delivered if self.delivered else None

    @property
    def rankable(self) -> bool:
        return self.delivered >= MIN_TO_RANK


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
    petitions: PetitionFigures

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
        return self.routed >= MIN_TO_RANK


@dataclass(frozen=True)
class Filters:
    """Which cases, petitions and organisations the figures cover."""

    period: str = DEFAULT_PERIOD
    organisation_kind: str | None = None

    def since(self, now: datetime) -> datetime | None:
        days = PERIODS[self.period]
        return None if days is None else now - timedelta(days=days)


Facts = TypeVar("Facts", bound=Model)


def _chosen(
    facts: QuerySet[Facts],
    filters: Filters,
    organisation: Organisation | None,
    now: datetime | None,
    *,
    arrived: str,
) -> QuerySet[Facts]:
    """The facts of one organisation, or of the organisations of the kind chosen, that
    arrived (the column `arrived`: routed or delivered) in the period."""
    if organisation is not None:
        facts = facts.filter(organisation=organisation)
    elif filters.organisation_kind:
        facts = facts.filter(organisation__kind=filters.organisation_kind)
    since = filters.since(now or timezone.now())
    if since is not None:
        facts = facts.filter(**{f"{arrived}__gte": to_second(since)})
    return facts


def case_facts(
    filters: Filters, *, organisation: Organisation | None = None, now: datetime | None = None
) -> QuerySet[RoutedCase]:
    """One row per (organisation, public case routed to it in the period), ordered by
    organisation and routed time: a query to iterate, never loaded whole."""
    facts = _chosen(RoutedCase.objects.all(), filters, organisation, now, arrived="routed_at")
    return facts.order_by("organisation_id", "routed_at", "case_id")


def petition_facts(
    filters: Filters, *, organisation: Organisation | None = None, now: datetime | None = None
) -> QuerySet[DeliveredPetition]:
    """One row per (organisation, petition delivered to it in the period), ordered by
    organisation and delivery time: a query to iterate, never loaded whole."""
    facts = _chosen(
        DeliveredPetition.objects.all(), filters, organisation, now, arrived="delivered_at"
    )
    return facts.order_by("organisation_id", "delivered_at", "petition_id")


def organisation_figures(
    filters: Filters, *, now: datetime | None = None
) -> list[OrganisationFigures]:
    """The figures of every organisation with cases routed or petitions delivered to it
    in the period, in three queries whatever the number of organisations, cases and
    petitions."""
    now = now or timezone.now()  # one period for both
    return _figures(case_facts(filters, now=now), petition_facts(filters, now=now))


def figures_of(
    organisation: Organisation, filters: Filters, *, now: datetime | None = None
) -> OrganisationFigures:
    now = now or timezone.now()  # one period for both
    [figures] = _figures(
        case_facts(filters, organisation=organisation, now=now),
        petition_facts(filters, organisation=organisation, now=now),
        {organisation.pk: organisation},
    ) or [_figures_from(organisation, Counter(), {})]
    return figures


# What each table counts per organisation, over columns of its index by organisation and
# time, never the row's id, so that PostgreSQL reads the index alone.
CASE_COUNTS = {
    "routed": Count("routed_at"),
    "acknowledged": Count("routed_at", filter=Q(acknowledged=True)),
    "answered": Count("routed_at", filter=Q(answered=True)),
    "resolved": Count("resolution_seconds"),
    "responded": Count("first_response_seconds"),
}
PETITION_COUNTS = {
    "petitions_delivered": Count("delivered_at"),
    "petitions_answered": Count("answer_seconds"),
}
# The durations summed up by their percentiles: columns of the two tables, named apart.
RESPONSE, RESOLUTION, ANSWER = "first_response_seconds", "resolution_seconds", "answer_seconds"


def _figures(
    cases: QuerySet[RoutedCase],
    petitions: QuerySet[DeliveredPetition],
    organisations: dict[int, Organisation] | None = None,
) -> list[OrganisationFigures]:
    """The figures of the organisations of these facts (read from the database unless
    they are given)."""
    counts = _counts(cases, petitions)
    ranks = _nearest_ranks((cases, RESPONSE), (cases, RESOLUTION), (petitions, ANSWER))
    if organisations is None:
        organisations = Organisation.objects.in_bulk(list(counts))
    return [
        _figures_from(organisations[organisation_id], counted, ranks)
        for organisation_id, counted in counts.items()
    ]


def _counts(
    cases: QuerySet[RoutedCase], petitions: QuerySet[DeliveredPetition]
) -> dict[int, Counter[str]]:
    """Every count of each organisation, from one query: the two tables' grouped counts
    as the parts of a UNION ALL, each with zeros in the other's columns."""
    zeros = {
        figure: Value(0, output_field=IntegerField()) for figure in (*CASE_COUNTS, *PETITION_COUNTS)
    }
    of_cases = (
        cases.order_by()
        .values("organisation_id")
        .annotate(**CASE_COUNTS, **{figure: zeros[figure] for figure in PETITION_COUNTS})
    )
    of_petitions = (
        petitions.order_by()
        .values("organisation_id")
        .annotate(**{figure: zeros[figure] for figure in CASE_COUNTS}, **PETITION_COUNTS)
    )
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for row in of_cases.union(of_petitions, all=True):
        counts[row.pop("organisation_id")].update(row)
    return counts


class _Rank(NamedTuple):
    column: str
    organisation_id: int
    percent: int


def _figures_from(
    organisation: Organisation, counted: Counter[str], ranks: dict[_Rank, timedelta]
) -> OrganisationFigures:
    def rank(column: str, percent: int) -> timedelta | None:
        return ranks.get(_Rank(column, organisation.pk, percent))

    return OrganisationFigures(
        organisation=organisation,
        **{figure: counted[figure] for figure in CASE_COUNTS},
        median_first_response=rank(RESPONSE, MEDIAN),
        p90_first_response=rank(RESPONSE, P90),
        median_resolution=rank(RESOLUTION, MEDIAN),
        p90_resolution=rank(RESOLUTION, P90),
        petitions=PetitionFigures(
            delivered=counted["petitions_delivered"],
            answered=counted["petitions_answered"],
            median_time_to_answer=rank(ANSWER, MEDIAN),
            p90_time_to_answer=rank(ANSWER, P90),
        ),
    )


def _nearest_ranks(*durations: tuple[QuerySet[Any], str]) -> dict[_Rank, timedelta]:
    """The median and 90th percentile of each (facts, duration column) for each
    organisation, computed by the database in one query: in each, every row is numbered
    within its organisation in ascending order, and the rows whose number is a
    percentile's rank are kept; the parts are joined by UNION ALL."""
    # ceil(percent × n / 100) in integer arithmetic, the same on both databases.
    rank = {percent: (F("out_of") * percent + 99) / 100 for percent in (MEDIAN, P90)}
    parts = [
        facts.filter(**{f"{column}__isnull": False})
        .order_by()
        .annotate(
            column=Value(column, output_field=CharField()),
            position=Window(RowNumber(), partition_by=[F("organisation_id")], order_by=column),
            out_of=Window(Count(column), partition_by=[F("organisation_id")]),
        )
        .filter(Q(position=rank[MEDIAN]) | Q(position=rank[P90]))
        .values_list("column", "organisation_id", "position", "out_of", column)
        for facts, column in durations
    ]
    found: dict[_Rank, timedelta] = {}
    for column, organisation_id, position, out_of, seconds in parts[0].union(*parts[1:], all=True):
        for percent in (MEDIAN, P90):
            if position == -(-percent * out_of // 100):
                found[_Rank(column, organisation_id, percent)] = timedelta(seconds=seconds)
    return found


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


class Basis(NamedTuple):
    """What ranks an organisation by a figure of cases or of petitions (attributes of
    `OrganisationFigures`): whether it has enough of them to take a place, and for ties
    the higher rate, then more of them."""

    rankable: str
    rate: str
    counted: str


CASES = Basis(rankable="rankable", rate="response_rate", counted="routed")
PETITIONS = Basis(
    rankable="petitions.rankable", rate="petitions.answered_share", counted="petitions.delivered"
)

# The orders of the league table: a figure, whether a larger value is better, and what
# the figure is of.
SORTS: dict[str, tuple[str, bool, Basis]] = {
    "median_response": ("median_first_response", False, CASES),
    "p90_response": ("p90_first_response", False, CASES),
    "median_resolution": ("median_resolution", False, CASES),
    "response_rate": ("response_rate", True, CASES),
    "answered_share": ("answered_share", True, CASES),
    "routed": ("routed", True, CASES),
    "median_answer": ("petitions.median_time_to_answer", False, PETITIONS),
    "petitions_answered_share": ("petitions.answered_share", True, PETITIONS),
}
DEFAULT_SORT: Final = "median_response"


@dataclass(frozen=True)
class LeagueRow:
    rank: int | None
    figures: OrganisationFigures


def league_table(
    figures: Iterable[OrganisationFigures], sort: str = DEFAULT_SORT
) -> list[LeagueRow]:
    """Organisations with at least MIN_TO_RANK routed cases (for a figure of petitions:
    delivered petitions) first, ranked by the chosen figure (best first; an organisation
    without that figure after those with it); ties go to the higher response rate (of
    petitions: share answered), then to more routed cases (delivered petitions), then by
    slug. The others follow in the same order without a rank."""
    attribute, larger_is_better, basis = SORTS[sort]
    figure, rankable = attrgetter(attribute), attrgetter(basis.rankable)
    rate, counted = attrgetter(basis.rate), attrgetter(basis.counted)

    def key(row: OrganisationFigures) -> tuple[bool, bool, float, float, int, str]:
        value = figure(row)
        if isinstance(value, timedelta):
            value = value.total_seconds()
        measured = value is not None
        number = float(value) if value is not None else 0.0
        return (
            not rankable(row),
            not measured,
            -number if larger_is_better else number,
            -(rate(row) or 0.0),
            -counted(row),
            row.organisation.slug,
        )

    ordered = sorted(figures, key=key)
    ranked = [row for row in ordered if rankable(row)]
    return [LeagueRow(position, row) for position, row in enumerate(ranked, start=1)] + [
        LeagueRow(None, row) for row in ordered if not rankable(row)
    ]
