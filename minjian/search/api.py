"""Finding cases in the JSON API: GET /api/v1/cases, filtered, searched and paged.

The operation shares its address with the cases app's POST /api/v1/cases, so it is
added to the cases router by the API's top layer (`minjian/api.py`, `add_case_finding`):
one address for sending a case and for finding many, without cases importing search.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from minjian.cases.api import CaseSummaryOut, case_summary
from minjian.cases.models import Case
from minjian.core.public_cache import CASES, public_page, tags_for_everything
from minjian.core.schemas import ErrorOut, InputSchema, PageNumber, PageSize
from minjian.search import clustering, selectors
from minjian.search.keyset import Cursor, keyset_page


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
    next_after: str | None = Field(
        description="Without `q`: give it as `after` (with `page` one more) for the next "
        "page, read at the same cost however deep; null on the last page. Null with `q`."
    )
    results: list[CaseListItemOut]


class CaseListQuery(InputSchema):
    topic: str | None = Field(None, description="A topic's slug.")
    region: str | None = Field(None, description="A region's code; includes every region under it.")
    state: str | None = Field(
        None, description="published, acknowledged, in_progress, resolved or closed."
    )
    verdict: str | None = Field(
        None,
        description="The public verdict of verifiers: unverified, checking, corroborated, "
        "disputed, false or not_a_claim.",
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
    after: str | None = Field(
        None,
        max_length=40,
        description="Without `q`: the `next_after` of the page before, to read the page "
        "after it (`page` then only numbers it). Refused with `invalid_cursor` when damaged.",
    )


def list_cases(request: HttpRequest, query: Query[CaseListQuery]) -> dict[str, object]:
    """Public cases, newest published first, filtered by topic, region (with every
    region under it), state and verdict; with `q`, only those holding every word searched
    for, best match first, each with a `snippet` and a `score`. A search counts
    its matches up to a ceiling of 1,000: when more match, `count` is 1,000,
    `count_is_capped` is true, and the cases are the 1,000 most recently
    reported, best match first, over pages that stop there. Unknown filter values are refused
    with `unknown_topic`, `unknown_region`, `unknown_state` or `unknown_verdict`, a
    longer `q` with `query_too_long`."""
    filters = selectors.CaseFilters.parse(
        topic=query.topic, region=query.region, state=query.state, q=query.q, verdict=query.verdict
    )
    cases = selectors.find_cases(filters)
    if filters.terms:
        search = selectors.capped(cases)
        start = (query.page - 1) * query.page_size
        # A capped search lists no case past its count.
        found = list(search.cases[start : min(start + query.page_size, search.count)])
        count, count_is_capped, next_after = search.count, search.more_than_cap, None
    else:
        count = selectors.case_count(filters)
        page = keyset_page(
            cases,
            after=Cursor.parse(query.after) if query.after else None,
            number=query.page,
            count=count,
            per_page=query.page_size,
        )
        found, count_is_capped = list(page), False
        next_after = page.next_cursor if page.has_next() else None
    return {
        "count": count,
        "count_is_capped": count_is_capped,
        "page": query.page,
        "page_size": query.page_size,
        "next_after": next_after,
        "results": [case_summary(request, case) | _search_result(case, filters) for case in found],
    }


def _search_result(case: Case, filters: selectors.CaseFilters) -> dict[str, object]:
    if not filters.terms:
        return {"snippet": None, "score": None}
    return {
        "snippet": str(selectors.snippet(case, filters.terms)),
        "score": getattr(case, "search_rank", None),
    }


class MapClusterOut(Schema):
    count: int = Field(description="How many cases the cell holds (two or more).")
    lat: float = Field(description="The mean latitude of their points.")
    lng: float = Field(description="The mean longitude of their points.")


class MapCaseOut(Schema):
    id: int
    title: str
    state: str
    lat: float = Field(
        description="The case's point as published (coarsened as its reporter chose)."
    )
    lng: float
    url: str = Field(description="The case's page.")


class MapOut(Schema):
    total: int = Field(description="How many cases the clusters and cases stand for.")
    clusters: list[MapClusterOut]
    cases: list[MapCaseOut]


class MapQuery(CaseListQuery):
    bbox: str = Field(
        description="The view: west,south,east,north in degrees (WGS 84), west < east,"
        " south < north."
    )
    zoom: str = Field(description=f"The map's zoom, 0 to {clustering.MAX_ZOOM}.")


def map_cases(request: HttpRequest, query: Query[MapQuery]) -> dict[str, object]:
    """What a map shows of its view, under the list's filters and search (every case
    holding the words, without the list's ceiling): when the view holds at most 200
    public cases with a point, each of them; else the cases counted per cell of a grid
    keyed to the zoom (a cell about 95 pixels wide on a Web Mercator map, half as wide
    at each next zoom; a view of more than 512 cells is counted on a coarser one), each
    cluster with its count and the mean of its points, a cell of one case being that
    case. A bad box is refused with `invalid_bbox`, a bad zoom with `invalid_zoom`."""
    filters = selectors.CaseFilters.parse(
        topic=query.topic, region=query.region, state=query.state, q=query.q, verdict=query.verdict
    )
    view = clustering.Viewport.parse(query.bbox, query.zoom)
    return clustering.features_json(
        clustering.map_features(filters, view), case_url=request.build_absolute_uri
    )


def add_case_finding(router: Router) -> None:
    """Add GET "" (the list of public cases) and GET "/map" (what a map of them shows)
    to `router`, the cases app's."""
    router.get(  # habits: allow[query-count] pinned by test_map_features; the check sees /{case_id}
        "/map",
        response={200: MapOut, 400: ErrorOut},
        summary="Map public cases",
    )(map_cases)
    # Addresses are tried in the order they were added: "/map" goes before the cases
    # app's "/{case_id}", which would otherwise take it for a case's id.
    router.path_operations = {
        "/map": router.path_operations.pop("/map"),
        **router.path_operations,
    }
    router.get(
        "",
        response={200: CasePageOut, 400: ErrorOut},
        summary="List public cases",
        # The id it had when it lived in the cases app: clients generated from the
        # document keep their method name.
        operation_id="minjian_cases_api_list_cases",
    )(decorate_view(public_page(tags_for_everything(CASES)))(list_cases))
