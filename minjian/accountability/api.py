"""/api/v1/accountability: the league table's figures as JSON, for civic apps and journalists."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from minjian.accountability import selectors
from minjian.core.schemas import ErrorOut, InputSchema

router = Router(tags=["accountability"])


class FiguresQuery(InputSchema):
    period: Literal["30", "90", "365", "all"] = Field(
        selectors.DEFAULT_PERIOD,
        description=(
            "Cases routed and petitions delivered in the last 30, 90 or 365 days, or since "
            "the beginning."
        ),
    )
    kind: Literal["agency", "ngo", "informal"] | None = Field(
        None, description="Only organisations of this kind."
    )
    sort: Literal[
        "median_response",
        "p90_response",
        "median_resolution",
        "response_rate",
        "answered_share",
        "routed",
        "median_answer",
        "petitions_answered_share",
    ] = Field(selectors.DEFAULT_SORT, description="The figure the table is ranked by.")


class OrganisationFiguresOut(Schema):
    """One organisation's figures. Durations are whole seconds; null where there is none."""

    rank: int | None = Field(
        description=(
            f"The place in the league table; null below {selectors.MIN_TO_RANK} routed cases "
            f"(ranked by a figure of petitions: below {selectors.MIN_TO_RANK} delivered "
            "petitions)."
        )
    )
    organisation: str = Field(description="The organisation's slug.")
    name: str = Field(description="The name in the language of the request.")
    kind: str
    routed: int
    acknowledged: int
    answered: int
    resolved: int
    responded: int = Field(description="Routed cases with any response from the organisation.")
    response_rate: float | None
    answered_share: float | None
    median_first_response_seconds: int | None
    p90_first_response_seconds: int | None
    median_resolution_seconds: int | None
    p90_resolution_seconds: int | None
    petitions_delivered: int = Field(description="Petitions delivered to its inbox.")
    petitions_answered: int = Field(description="Delivered petitions it answered officially.")
    petitions_answered_share: float | None
    median_time_to_answer_seconds: int | None = Field(
        description="From a petition's delivery to the organisation's answer."
    )
    p90_time_to_answer_seconds: int | None


def _seconds(duration: timedelta | None) -> int | None:
    return None if duration is None else int(duration.total_seconds())


def _figures_out(row: selectors.LeagueRow) -> OrganisationFiguresOut:
    figures = row.figures
    return OrganisationFiguresOut(
        rank=row.rank,
        organisation=figures.organisation.slug,
        name=figures.organisation.name,
        kind=figures.organisation.kind,
        routed=figures.routed,
        acknowledged=figures.acknowledged,
        answered=figures.answered,
        resolved=figures.resolved,
        responded=figures.responded,
        response_rate=figures.response_rate,
        answered_share=figures.answered_share,
        median_first_response_seconds=_seconds(figures.median_first_response),
        p90_first_response_seconds=_seconds(figures.p90_first_response),
        median_resolution_seconds=_seconds(figures.median_resolution),
        p90_resolution_seconds=_seconds(figures.p90_resolution),
        petitions_delivered=figures.petitions.delivered,
        petitions_answered=figures.petitions.answered,
        petitions_answered_share=figures.petitions.answered_share,
        median_time_to_answer_seconds=_seconds(figures.petitions.median_time_to_answer),
        p90_time_to_answer_seconds=_seconds(figures.petitions.p90_time_to_answer),
    )


@router.get("", response={200: list[OrganisationFiguresOut], 422: ErrorOut})
def league_table(request: HttpRequest, query: Query[FiguresQuery]) -> list[OrganisationFiguresOut]:
    """Every organisation with cases routed or petitions delivered to it in the period,
    in the league table's order: those with enough routed cases (for a sort by a figure of
    petitions, delivered petitions) ranked by `sort`, the others after them.
    The figures are those of /accountability/ and of its CSV downloads; the method
    is explained on that page."""
    filters = selectors.Filters(period=query.period, organisation_kind=query.kind)
    figures = selectors.organisation_figures(filters)
    return [_figures_out(row) for row in selectors.league_table(figures, query.sort)]
