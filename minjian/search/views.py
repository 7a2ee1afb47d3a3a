"""Finding cases on the web: the list of cases and the map, filtered and searched."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from minjian.cases.models import Case
from minjian.core.errors import DomainError
from minjian.core.middleware import error_json
from minjian.search import selectors
from minjian.topics.selectors import topic_list


def _filters_from(request: HttpRequest) -> tuple[selectors.CaseFilters, DomainError | None]:
    try:
        filters = selectors.CaseFilters.parse(
            topic=request.GET.get("topic"),
            region=request.GET.get("region"),
            state=request.GET.get("state"),
            q=request.GET.get("q"),
        )
    except DomainError as error:
        return selectors.CaseFilters(), error
    return filters, None


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # generic only in the stubs
    """Pages of a search counted up to a ceiling (`selectors.capped`): its pages stop
    there, and `more_than_count` says that more cases matched."""

    def __init__(self, search: selectors.CappedSearch, per_page: int) -> None:
        super().__init__(search.cases, per_page)
        self.capped_count = search.count
        self.more_than_count = search.more_than_cap

    @property
    def count(self) -> int:
        return self.capped_count


def _page(request: HttpRequest, filters: selectors.CaseFilters) -> Page[Case]:
    cases = selectors.find_cases(filters)
    per_page = settings.MINJIAN_CASES_PER_PAGE
    if filters.terms:
        paginator: Paginator[Case] = CappedPaginator(selectors.capped(cases), per_page)
    else:
        paginator = Paginator(cases, per_page)
    return paginator.get_page(request.GET.get("page"))


def _filter_context(request: HttpRequest) -> tuple[dict[str, object], int]:
    filters, error = _filters_from(request)
    return (
        {
            "filters": filters,
            "filter_error": error,
            "page": _page(request, filters),
            "topics": topic_list(),
            "states": [(s.value, s.label) for s in Case.State if s in Case.PUBLIC_STATES],
            "query": filters.as_query(),
        },
        error.status if error else 200,
    )


def case_list(request: HttpRequest) -> HttpResponse:
    context, status = _filter_context(request)
    filters, page = context["filters"], context["page"]
    assert isinstance(filters, selectors.CaseFilters) and isinstance(page, Page)
    # With a search, each case comes with the place in its text that matched.
    context["results"] = [
        {
            "case": case,
            "snippet": selectors.snippet(case, filters.terms) if filters.terms else "",
        }
        for case in page.object_list
    ]
    return render(request, "search/list.html", context, status=status)


def case_map(request: HttpRequest) -> HttpResponse:
    context, status = _filter_context(request)
    filters = context["filters"]
    assert isinstance(filters, selectors.CaseFilters)
    context |= {
        "points": [
            {"id": p.id, "title": p.title, "lat": p.latitude, "lng": p.longitude, "state": p.state}
            for p in selectors.map_points(filters)
        ],
        "tile_url": settings.MINJIAN_MAP_TILE_URL,
        "tile_attribution": settings.MINJIAN_MAP_TILE_ATTRIBUTION,
    }
    return render(request, "search/map.html", context, status=status)


def case_map_counts(request: HttpRequest) -> JsonResponse:
    """The map's choropleth: `{"level", "total", "counts": {code: n}}`, the public cases
    under the list's filters counted per province (`?level=1`) or prefecture (`2`)."""
    filters, error = _filters_from(request)
    level = request.GET.get("level", "1")
    try:
        if error is not None:
            raise error
        counts = selectors.case_counts_by_region(filters, int(level) if level.isdigit() else 0)
    except DomainError as refused:
        return error_json(refused)
    return JsonResponse(
        {"level": counts.level, "total": counts.total, "counts": counts.by_region},
        headers={"Cache-Control": "public, max-age=60"},
    )
