"""The figures and the facts under them as CSV, so anyone can recompute and check them.

Format, chosen for the people who will open these files (and streamed, with a byte-order
mark and formula-safe cells: `minjian.core.downloads`):
- Column names in English (snake_case), stable for scripts; one header row.
- Times in UTC, ISO 8601 to the second ("2026-03-01T08:00:00Z"); durations in whole
  seconds, equal to the difference of the two times on the same row (a first response
  written before the case was routed counts as zero seconds).
- The figures' columns of petitions come after those of cases, so that a script reading
  the columns of cases by position keeps working.
- Rates as decimals with four places; an empty cell where there is no figure.
- No cell starts with = + - @ or a tab or carriage return: such a cell gets a leading
  apostrophe, so a spreadsheet shows it as text instead of running it as a formula (an
  organisation's name is typed by its admin).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta

from minjian.accountability.models import DeliveredPetition, RoutedCase
from minjian.accountability.selectors import LeagueRow
from minjian.orgs.models import Organisation

# The public address of a case or of a petition, from its id.
PageUrl = Callable[[int], str]

FIGURES_COLUMNS = (
    "rank",
    "organisation",
    "name_zh",
    "name_en",
    "kind",
    "routed",
    "acknowledged",
    "answered",
    "resolved",
    "responded",
    "response_rate",
    "answered_share",
    "median_first_response_seconds",
    "p90_first_response_seconds",
    "median_resolution_seconds",
    "p90_resolution_seconds",
    "petitions_delivered",
    "petitions_answered",
    "petitions_answered_share",
    "median_time_to_answer_seconds",
    "p90_time_to_answer_seconds",
)
CASE_COLUMNS = (
    "organisation",
    "case_id",
    "case_url",
    "routed_at",
    "first_response_at",
    "first_response_kind",
    "first_response_seconds",
    "acknowledged",
    "answered",
    "resolved_at",
    "resolution_seconds",
)
PETITION_COLUMNS = (
    "organisation",
    "petition_id",
    "petition_url",
    "delivered_at",
    "answered_at",
    "answer_seconds",
)


def _seconds(duration: timedelta | None) -> str:
    return "" if duration is None else str(int(duration.total_seconds()))


def _whole(number: int | None) -> str:
    return "" if number is None else str(number)


def _rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.4f}"


def _time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def figures_rows(league: Iterable[LeagueRow]) -> list[list[str]]:
    return [
        [
            "" if row.rank is None else str(row.rank),
            row.figures.organisation.slug,
            row.figures.organisation.name_zh,
            row.figures.organisation.name_en,
            row.figures.organisation.kind,
            str(row.figures.routed),
            str(row.figures.acknowledged),
            str(row.figures.answered),
            str(row.figures.resolved),
            str(row.figures.responded),
            _rate(row.figures.response_rate),
            _rate(row.figures.answered_share),
            _seconds(row.figures.median_first_response),
            _seconds(row.figures.p90_first_response),
            _seconds(row.figures.median_resolution),
            _seconds(row.figures.p90_resolution),
            str(row.figures.petitions.delivered),
            str(row.figures.petitions.answered),
            _rate(row.figures.petitions.answered_share),
            _seconds(row.figures.petitions.median_time_to_answer),
            _seconds(row.figures.petitions.p90_time_to_answer),
        ]
        for row in league
    ]


def case_rows(
    facts: Iterable[RoutedCase],
    organisations: dict[int, Organisation],
    case_url: PageUrl,
) -> Iterator[list[str]]:
    """One row per fact, made as the download is sent: constant memory at any size."""
    for fact in facts:
        yield [
            organisations[fact.organisation_id].slug,
            str(fact.case_id),
            case_url(fact.case_id),
            _time(fact.routed_at),
            _time(fact.first_response_at),
            fact.first_response_kind,
            _whole(fact.first_response_seconds),
            "1" if fact.acknowledged else "0",
            "1" if fact.answered else "0",
            _time(fact.resolved_at),
            _whole(fact.resolution_seconds),
        ]


def petition_rows(
    facts: Iterable[DeliveredPetition],
    organisations: dict[int, Organisation],
    petition_url: PageUrl,
) -> Iterator[list[str]]:
    """One row per petition delivered to an organisation, made as the download is sent;
    a petition not answered has empty answer cells."""
    for fact in facts:
        yield [
            organisations[fact.organisation_id].slug,
            str(fact.petition_id),
            petition_url(fact.petition_id),
            _time(fact.delivered_at),
            _time(fact.answered_at),
            _whole(fact.answer_seconds),
        ]
