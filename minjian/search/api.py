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
from minjian.cases.selectors import public_case_count
from minjian.core.public_cache import CASES, public_page, tags_for_everything
from minjian.core.schemas import ErrorOut, InputSchema, PageNumber, PageSize
from minjian.search import selectors
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
        description="More cases match `q` than `count`: only the first `count`, newest"
        " first, are listed. Always false without `q`."
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
    q: str | None = Field(
        None,
        description=(
            "Words to search for in titles, descriptions and public updates, in Chinese "
            "(simplified or traditional) or English, at most 200 characters; every word must "
            "match. Results come best match first; when more than the search ceiling "
            "match, newest first (see `count_is_capped`)."
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
    region under it) and state; with `q`, only those holding every word searched
    for, best match first, each with a `snippet` and a `score`. A search counts
    its matches up to a ceiling of 1,000: when more match, `count` is 1,000,
    `count_is_capped` is true, and the cases are the 1,000 newest published,
    newest first, over pages that stop there. Unknown filter values are refused
    with `unknown_topic`, `unknown_region` or `unknown_state`, a longer `q` with
    `query_too_long`."""
    filters = selectors.CaseFilters.parse(
        topic=query.topic, region=query.region, state=query.state, q=query.q
    )
    cases = selectors.find_cases(filters)
    if filters.terms:
        search = selectors.capped(cases)
        start = (query.page - 1) * query.page_size
        # A capped search lists no case past its count.
        found = list(search.cases[start : min(start + query.page_size, search.count)])
        count, count_is_capped, next_after = search.count, search.more_than_cap, None
    else:
        page = keyset_page(
            cases,
            after=Cursor.parse(query.after) if query.after else None,
            number=query.page,
            count=public_case_count(
                topic=filters.topic, region=filters.region, state=filters.state
            ),
            per_page=query.page_size,
        )
        found, count, count_is_capped = list(page), page.count, False
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


def add_case_finding(router: Router) -> None:
    """Add GET "" (the list of public cases) to `router`, the cases app's."""
    router.get(
        "",
        response={200: CasePageOut, 400: ErrorOut},
        summary="List public cases",
        # The id it had when it lived in the cases app: clients generated from the
        # document keep their method name.
        operation_id="minjian_cases_api_list_cases",
    )(decorate_view(public_page(tags_for_everything(CASES)))(list_cases))
