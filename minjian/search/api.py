"""Finding cases in the JSON API: GET /api/v1/cases, filtered, searched and paged.

The operation shares its address with the cases app's POST /api/v1/cases, so it is
added to the cases router by the API's top layer (`minjian/api.py`, `add_case_finding`):
one address for sending a case and for finding many, without cases importing search.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from minjian.cases.api import CaseSummaryOut, case_summary
from minjian.cases.models import Case
from minjian.core.schemas import ErrorOut, InputSchema, PageNumber, PageSize
from minjian.search import selectors


class CaseListItemOut(CaseSummaryOut):
    snippet: str | None = Field(
        None,
        description=(
            "With `q`: HTML, a piece of the case's public text around the first match, "
            "each matched word in <mark>, everything else escaped. Null without `q`."
        ),
    )
    score: float | None = Field(
        None,
        description="With `q`: how well the case matches (higher is better). Null without `q`.",
    )


class CasePageOut(Schema):
    count: int = Field(
        description="How many cases match; with `q`, at most the search ceiling"
        f" ({selectors.SEARCH_COUNT_CAP:,})."
    )
    count_is_capped: bool = Field(
        description="More cases match `q` than `count`: only the `count` most recently"
        " reported of them are listed, best match first. Always false without `q`."
    )
    page: int
    page_size: int
    results: list[CaseListItemOut]


class CaseListQuery(InputSchema):
    topic: str | None = Field(None, description="A topic's slug.")
    region: str | None = Field(None, description="A region's code; includes every region under it.")
    state: str | None = Field(
        None, description="published, acknowledged, in_progress, resolved or closed."
    )
    q: str | None = Field(
        None,
        description=(
            "Words to search for in titles, descriptions and public updates, in Chinese "
            "(simplified or traditional) or English, at most 200 characters; every word must "
            "match. Results come best match first; when more than the search ceiling "
            "match, only the most recently reported are listed (see `count_is_capped`)."
        ),
    )
    page: PageNumber = 1
    page_size: PageSize = 20


def list_cases(request: HttpRequest, query: Query[CaseListQuery]) -> dict[str, object]:
    """Public cases, newest published first, filtered by topic, region (with every
    region under it) and state; with `q`, only those holding every word searched
    for, best match first, each with a `snippet` and a `score`. A search counts
    its matches up to a ceiling of 1,000: when more match, `count` is 1,000,
    `count_is_capped` is true, and the cases are the 1,000 most recently
    reported, best match first, over pages that stop there. Unknown filter values are refused
    with `unknown_topic`, `unknown_region` or `unknown_state`, a longer `q` with
    `query_too_long`."""
    filters = selectors.CaseFilters.parse(
        topic=query.topic, region=query.region, state=query.state, q=query.q
    )
    cases = selectors.find_cases(filters)
    if filters.terms:
        search = selectors.capped(cases)
        cases, count, count_is_capped = search.cases, search.count, search.more_than_cap
    else:
        count, count_is_capped = cases.count(), False
    start = (query.page - 1) * query.page_size
    return {
        "count": count,
        "count_is_capped": count_is_capped,
        "page": query.page,
        "page_size": query.page_size,
        "results": [
            case_summary(request, case) | _search_result(case, filters)
            # A capped search lists no case past its count.
            for case in cases[start : min(start + query.page_size, count)]
        ],
    }


def _search_result(case: Case, filters: selectors.CaseFilters) -> dict[str, object]:
    if not filters.terms:
        return {"snippet": None, "score": None}
    return {
        "snippet": str(selectors.snippet(case, filters.terms)),
        "score": getattr(case, "search_rank", None),
    }


def add_case_finding(router: Router) -> None:
    """Add GET "" (the list of public cases) to `router`, the cases app's."""
    router.get(
        "",
        response={200: CasePageOut, 400: ErrorOut},
        summary="List public cases",
        # The id it had when it lived in the cases app: clients generated from the
        # document keep their method name.
        operation_id="minjian_cases_api_list_cases",
    )(list_cases)
