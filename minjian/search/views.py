"""Finding cases on the web: the list of cases and the map, filtered and searched."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minjian.cases.models import Case
from minjian.core.downloads import csv_download
from minjian.core.errors import DomainError
from minjian.core.keyset import page_number
from minjian.core.middleware import error_json
from minjian.core.public_cache import CASES, public_page, tags_for_everything
from minjian.places.models import Region
from minjian.search import clustering, selectors
from minjian.search.keyset import Cursor, KeysetPage, keyset_page
from minjian.topics.selectors import topic_list


@dataclass(frozen=True)
class _Filtering:
    filters: selectors.CaseFilters
    error: DomainError | None = None
    # A region's name as typed in the filter (`?place=`), and the regions it may
    # mean when it names several.
    place: str | None = None
    place_choices: tuple[Region, ...] = ()


def _filters_from(request: HttpRequest) -> _Filtering:
    """The list's filters from the query string. A region comes as a code (`region`,
    in links) or as a name typed in the form (`place`, which then decides)."""
    region = request.GET.get("region")
    place = request.GET.get("place")
    choices: tuple[Region, ...] = ()
    try:
        if place is not None:
            found = selectors.region_for_place(place, chosen_code=region)
            region = found.region.code if found.region else None
            choices = found.choices
        filters = selectors.CaseFilters.parse(
            topic=request.GET.get("topic"),
            region=region,
            state=request.GET.get("state"),
            q=request.GET.get("q"),
            verdict=request.GET.get("verdict"),
        )
    except DomainError as error:
        return _Filtering(selectors.CaseFilters(), error, place)
    return _Filtering(filters, None, place, choices)


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


def _page(request: HttpRequest, filters: selectors.CaseFilters) -> Page[Case] | KeysetPage[Case]:
    """A search's page by number (it stops at SEARCH_COUNT_CAP); a list's page from the
    cursor its link carries (`keyset`), counted from the tallies. A list's page asked for
    by number alone (a typed address) is read the usual way."""
    cases = selectors.find_cases(filters)
    per_page = settings.MINJIAN_CASES_PER_PAGE
    if filters.terms:
        return CappedPaginator(selectors.capped(cases), per_page).get_page(request.GET.get("page"))
    count = selectors.case_count(filters)
    after, before = request.GET.get("after"), request.GET.get("before")
    number = page_number(request.GET.get("page", ""))
    return keyset_page(
        cases,
        after=Cursor.parse(after) if after else None,
        before=Cursor.parse(before) if before and not after else None,
        number=min(number, max(1, -(-count // per_page))),
        count=count,
        per_page=per_page,
    )


def _filter_context(request: HttpRequest) -> tuple[dict[str, object], int]:
    filtering = _filters_from(request)
    filters, error = filtering.filters, filtering.error
    query = filters.as_query()
    return (
        {
            "filters": filters,
            "filter_error": error,
            "page": _page(request, filters),
            "topics": topic_list(),
            "states": [(s.value, s.label) for s in Case.State if s in Case.PUBLIC_STATES],
            "verdicts": Case.Verdict.choices,
            "query": query,
            # The form shows the name typed, else the name of the region filtered by.
            "place": filtering.place
            if filtering.place is not None
            else (filters.region.name if filters.region else ""),
            "place_choices": [
                {"region": region, "query": urlencode(query | {"region": region.code})}
                for region in filtering.place_choices
            ],
        },
        error.status if error else 200,
    )


@public_page(tags_for_everything(CASES))
def case_list(request: HttpRequest) -> HttpResponse:
    context, status = _filter_context(request)
    filters, page = context["filters"], context["page"]
    assert isinstance(filters, selectors.CaseFilters) and isinstance(page, Page | KeysetPage)
    # With a search, each case comes with the place in its text that matched.
    context["results"] = [
        {
            "case": case,
            "snippet": selectors.snippet(case, filters.terms) if filters.terms else "",
        }
        for case in page.object_list
    ]
    query = filters.as_query()
    context["export_url"] = reverse("search:export") + (f"?{urlencode(query)}" if query else "")
    return render(request, "search/list.html", context, status=status)


@public_page(tags_for_everything(CASES))
def case_map(request: HttpRequest) -> HttpResponse:
    context, status = _filter_context(request)
    filters = context["filters"]
    assert isinstance(filters, selectors.CaseFilters)
    query = f"?{urlencode(filters.as_query())}" if filters.as_query() else ""
    context |= {
        "tile_url": settings.MINJIAN_MAP_TILE_URL,
        "tile_attribution": settings.MINJIAN_MAP_TILE_ATTRIBUTION,
        "outlines_url": reverse("places:outlines", kwargs={"level": 1}),
        "counts_url": reverse("search:map-counts") + query,
        "features_url": reverse("search:map-features") + query,
        "map_search_cap": clustering.MAP_SEARCH_CAP,
        "map_texts": _map_texts(),
    }
    return render(request, "search/map.html", context, status=status)


def _map_texts() -> dict[str, object]:
    """What map.js writes on the map, in the reader's language."""
    return {
        "states": {value: str(label) for value, label in Case.State.choices},
        "per_level": {
            "1": _("Cases per province"),
            "2": _("Cases per prefecture"),
        },
        "case_one": ngettext("%(count)s case", "%(count)s cases", 1),
        "cluster_one": ngettext(
            "%(count)s case here: choose to zoom in", "%(count)s cases here: choose to zoom in", 1
        ),
        "cluster_many": ngettext(
            "%(count)s case here: choose to zoom in", "%(count)s cases here: choose to zoom in", 2
        ),
        "in_view_one": ngettext(
            "%(count)s case on the map in this view", "%(count)s cases on the map in this view", 1
        ),
        "in_view_many": ngettext(
            "%(count)s case on the map in this view", "%(count)s cases on the map in this view", 2
        ),
        "features_failed": _(
            "The cases of this view could not be loaded. Move the map to try again."
        ),
        "case_many": ngettext("%(count)s case", "%(count)s cases", 2),
        # Cases placed in a province as a whole, or in a county right under it (Beijing's
        # districts), lie in no prefecture.
        "uncounted_one": ngettext(
            "Not counted here: %(count)s case placed in no prefecture.",
            "Not counted here: %(count)s cases placed in no prefecture.",
            1,
        ),
        "uncounted_many": ngettext(
            "Not counted here: %(count)s case placed in no prefecture.",
            "Not counted here: %(count)s cases placed in no prefecture.",
            2,
        ),
        "outlines_failed": _(
            "The outlines of the regions could not be loaded: the cases are drawn on a plain"
            " background."
        ),
        "tiles_failed": _(
            "The map tiles could not be loaded: the cases are drawn over the outlines of the"
            " regions."
        ),
    }


def case_map_counts(request: HttpRequest) -> JsonResponse:
    """The map's choropleth: `{"level", "total", "counts": {code: n}}`, the public cases
    under the list's filters counted per province (`?level=1`) or prefecture (`2`)."""
    filtering = _filters_from(request)
    level = request.GET.get("level", "1")
    try:
        if filtering.error is not None:
            raise filtering.error
        counts = selectors.case_counts_by_region(
            filtering.filters, int(level) if level.isdigit() else 0
        )
    except DomainError as refused:
        return error_json(refused)
    return JsonResponse(
        {"level": counts.level, "total": counts.total, "counts": counts.by_region},
        headers={"Cache-Control": "public, max-age=60"},
    )


@public_page(tags_for_everything(CASES))
def case_map_features(request: HttpRequest) -> JsonResponse:
    """What the map draws of its view (`?bbox=west,south,east,north&zoom=z` and the
    list's filters): `{"total", "clusters": [{"count", "lat", "lng"}], "cases": [{"id",
    "title", "state", "lat", "lng", "url"}]}`, at most a few hundred of them
    (`minjian.search.clustering.map_features`). A refused filter, box or zoom is a JSON error."""
    filtering = _filters_from(request)
    try:
        if filtering.error is not None:
            raise filtering.error
        view = clustering.Viewport.parse(request.GET.get("bbox"), request.GET.get("zoom"))
    except DomainError as refused:
        return error_json(refused)
    return JsonResponse(
        clustering.features_json(clustering.map_features(filtering.filters, view)),
        headers={"Cache-Control": "public, max-age=60"},
        json_dumps_params={"ensure_ascii": False},
    )


def case_export(request: HttpRequest) -> HttpResponseBase:
    """The cases the list shows, with the same filters, as a CSV file: every one, not a
    page, streamed (`selectors.export_rows`). Bad filters are a JSON error, as for the
    map's counts: a file to save has no page to show them on."""
    filtering = _filters_from(request)
    if filtering.error:
        return error_json(filtering.error)
    rows = selectors.export_rows(
        filtering.filters,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        case_url=lambda case_id: request.build_absolute_uri(
            reverse("cases:detail", args=[case_id])
        ),
    )
    return csv_download("minjian-cases.csv", selectors.EXPORT_COLUMNS, rows)
