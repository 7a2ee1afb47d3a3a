"""Medians and 90th percentiles are nearest-rank percentiles, as the page explains them,
and the database computes them so for any set of durations (both engines)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minjian.accountability.facts import Fact
from minjian.accountability.models import RoutedCase
from minjian.accountability.selectors import Filters, OrganisationFigures, figures_of
from minjian.accountability.tests.percentiles import nearest_rank
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db
ROUTED_AT = datetime(2026, 3, 1, tzinfo=UTC)
MOST_CASES = 30


@pytest.fixture
def many_cases(regions: dict[str, Region]) -> list[Case]:
    return [make_case(regions["340321"], title=f"案例 {n}") for n in range(MOST_CASES)]


def figures_for(
    organisation: Organisation,
    cases: list[Case],
    responses: list[int | None],
    resolutions: list[int | None],
) -> OrganisationFigures:
    RoutedCase.objects.all().delete()
    facts = [
        Fact.of(
            organisation_id=organisation.pk,
            case_id=case.pk,
            routed_at=ROUTED_AT,
            first_response_at=None if response is None else ROUTED_AT + timedelta(seconds=response),
            first_response_kind="" if response is None else "acknowledged",
            acknowledged=response is not None,
            answered=False,
            resolved_at=None if resolution is None else ROUTED_AT + timedelta(seconds=resolution),
        )
        for case, response, resolution in zip(cases, responses, resolutions, strict=False)
    ]
    RoutedCase.objects.bulk_create(RoutedCase(**fact._asdict()) for fact in facts)
    return figures_of(organisation, Filters())


def seconds(duration: timedelta | None) -> int | None:
    return None if duration is None else int(duration.total_seconds())


durations = st.lists(st.none() | st.integers(0, 10**8), min_size=1, max_size=MOST_CASES)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(responses=durations, resolutions=durations)
def test_the_database_takes_the_nearest_rank_percentiles(
    agency: Organisation,
    many_cases: list[Case],
    responses: list[int | None],
    resolutions: list[int | None],
) -> None:
    resolutions = (resolutions * MOST_CASES)[: len(responses)]
    figures = figures_for(agency, many_cases, responses, resolutions)

    answered = [r for r in responses if r is not None]
    resolved = [r for r in resolutions if r is not None]
    assert (figures.routed, figures.responded, figures.resolved) == (
        len(responses),
        len(answered),
        len(resolved),
    )
    assert seconds(figures.median_first_response) == nearest_rank(answered, 50)
    assert seconds(figures.p90_first_response) == nearest_rank(answered, 90)
    assert seconds(figures.median_resolution) == nearest_rank(resolved, 50)
    assert seconds(figures.p90_resolution) == nearest_rank(resolved, 90)


def test_the_textbook_example(agency: Organisation, many_cases: list[Case]) -> None:
    # Wikipedia's "Percentile" article, nearest-rank method: 15 20 35 40 50.
    figures = figures_for(agency, many_cases, [40, 15, 50, 20, 35], [None] * 5)
    assert (seconds(figures.median_first_response), seconds(figures.p90_first_response)) == (
        35,
        50,
    )


def test_the_median_of_an_even_count_is_the_lower_middle_value(
    agency: Organisation, many_cases: list[Case]
) -> None:
    figures = figures_for(agency, many_cases, [4, 1, 3, 2], [None] * 4)
    assert (seconds(figures.median_first_response), seconds(figures.p90_first_response)) == (2, 4)


def test_no_durations_have_no_percentile(agency: Organisation, many_cases: list[Case]) -> None:
    figures = figures_for(agency, many_cases, [None, None], [None, None])
    assert (figures.median_first_response, figures.p90_resolution) == (None, None)


def test_the_definition_used_by_these_tests() -> None:
    assert [nearest_rank([15, 20, 35, 40, 50], p) for p in (5, 30, 40, 50, 100)] == [
        15,
        20,
        20,
        35,
        50,
    ]
