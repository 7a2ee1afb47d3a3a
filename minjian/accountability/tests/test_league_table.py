"""The order of the league table, as the page explains it."""

from __future__ import annotations

from datetime import timedelta

from minjian.accountability.selectors import (
    MIN_TO_RANK,
    OrganisationFigures,
    PetitionFigures,
    league_table,
)
from minjian.orgs.models import Organisation


def figures(
    slug: str,
    *,
    routed: int = MIN_TO_RANK,
    responded: int | None = None,
    answered: int = 0,
    median_hours: float | None = None,
    p90_hours: float | None = None,
    petitions: PetitionFigures | None = None,
) -> OrganisationFigures:
    def duration(value: float | None) -> timedelta | None:
        return None if value is None else timedelta(hours=value)

    if responded is None:
        responded = routed if median_hours is not None else 0
    return OrganisationFigures(
        organisation=Organisation(slug=slug, kind=Organisation.Kind.AGENCY, name_zh=slug),
        routed=routed,
        acknowledged=responded,
        answered=answered,
        resolved=0,
        responded=responded,
        median_first_response=duration(median_hours),
        p90_first_response=duration(p90_hours if p90_hours is not None else median_hours),
        median_resolution=None,
        p90_resolution=None,
        petitions=petitions or petition_figures(delivered=0),
    )


def petition_figures(
    *, delivered: int = MIN_TO_RANK, answered: int | None = None, median_hours: float | None = None
) -> PetitionFigures:
    answer = None if median_hours is None else timedelta(hours=median_hours)
    return PetitionFigures(
        delivered=delivered,
        answered=(delivered if answer is not None else 0) if answered is None else answered,
        median_time_to_answer=answer,
        p90_time_to_answer=answer,
    )


def order(
    rows: list[OrganisationFigures], sort: str = "median_response"
) -> list[tuple[int | None, str]]:
    return [(row.rank, row.figures.organisation.slug) for row in league_table(rows, sort)]


def test_by_default_the_fastest_median_first_response_comes_first() -> None:
    rows = [
        figures("ten-days", median_hours=240),
        figures("sixty-six-hours", median_hours=66),
        figures("never-answers"),
        figures("two-hours", median_hours=2),
    ]

    assert order(rows) == [
        (1, "two-hours"),
        (2, "sixty-six-hours"),
        (3, "ten-days"),
        (4, "never-answers"),
    ]


def test_organisations_with_too_few_cases_follow_unranked() -> None:
    rows = [
        figures("quick-but-new", routed=MIN_TO_RANK - 1, median_hours=1),
        figures("established", median_hours=48),
    ]

    assert order(rows) == [(1, "established"), (None, "quick-but-new")]


def test_ties_go_to_the_higher_response_rate_then_to_more_cases() -> None:
    rows = [
        figures("answers-half", routed=10, responded=5, median_hours=6),
        figures("answers-all", routed=10, median_hours=6),
        figures("answers-all-of-more", routed=20, median_hours=6),
    ]

    assert order(rows) == [(1, "answers-all-of-more"), (2, "answers-all"), (3, "answers-half")]


def test_other_orders_put_the_best_value_first() -> None:
    rows = [
        figures("few", routed=6, answered=6, median_hours=10, p90_hours=20),
        figures("many", routed=30, answered=3, median_hours=5, p90_hours=400),
    ]

    assert order(rows, "routed") == [(1, "many"), (2, "few")]
    assert order(rows, "answered_share") == [(1, "few"), (2, "many")]
    assert order(rows, "p90_response") == [(1, "few"), (2, "many")]
    assert order(rows, "median_response") == [(1, "many"), (2, "few")]


def test_a_figure_of_petitions_ranks_by_petitions_delivered_not_by_cases() -> None:
    rows = [
        # Many cases, petitions answered slowly.
        figures("slow-to-answer", median_hours=1, petitions=petition_figures(median_hours=400)),
        # No case at all, petitions answered in a day: ranked by its petitions.
        figures("petitions-only", routed=0, petitions=petition_figures(median_hours=24)),
        # Fast, but too few petitions to take a place.
        figures(
            "one-petition",
            petitions=petition_figures(delivered=MIN_TO_RANK - 1, median_hours=1),
        ),
        # Never answers its petitions: ranked, after those that do.
        figures("never-answers", petitions=petition_figures()),
    ]

    assert order(rows, "median_answer") == [
        (1, "petitions-only"),
        (2, "slow-to-answer"),
        (3, "never-answers"),
        (None, "one-petition"),
    ]
    assert order(rows, "petitions_answered_share") == [
        (1, "petitions-only"),
        (2, "slow-to-answer"),
        (3, "never-answers"),
        (None, "one-petition"),
    ]
    # By a figure of cases, the organisation with no case follows unranked.
    assert order(rows)[-1] == (None, "petitions-only")


def test_ties_of_petitions_go_to_the_higher_share_answered_then_to_more_delivered() -> None:
    rows = [
        figures("half", petitions=petition_figures(delivered=10, answered=5, median_hours=6)),
        figures("all", petitions=petition_figures(delivered=10, median_hours=6)),
        figures("all-of-more", petitions=petition_figures(delivered=20, median_hours=6)),
    ]

    assert order(rows, "median_answer") == [(1, "all-of-more"), (2, "all"), (3, "half")]
