"""Public pages of the administrative tree (the provinces, and one region with its
children), and the outlines of regions that maps draw."""

from __future__ import annotations

import gzip
import hashlib
import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minjian.core.errors import DomainError, NotFound
from minjian.core.middleware import error_json
from minjian.places import selectors
from minjian.places.boundaries import OUTLINE_DETAILS
from minjian.places.models import Region

# Outlines change only when boundaries are loaded again: a day in a browser's cache.
OUTLINES_MAX_AGE = 24 * 60 * 60
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "places/region_list.html", {"regions": selectors.top_level_regions()})


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "places/region_detail.html", {"detail": selectors.region_detail(code)})


@require_GET
def region_outlines(request: HttpRequest, level: int) -> HttpResponse:
    """`/places/outlines/<level>.geojson[?within=<code>][&detail=<n>]`: the outlines of
    the provinces (level 1), prefectures (2) or counties (3), as a GeoJSON
    FeatureCollection whose features carry `{"code", "name_zh", "name_en"}`.

    `within` keeps the regions under one region (the counties of a province);
    `detail` is 0 (the default: a whole country), 1 (a province) or 2 (a county);
    prefectures and counties finer than 0 are given only `within` a region. Answers
    are cached here and, for a day, by browsers, tagged with the boundary data's
    version. Refusals are JSON, as the API's: 404 `unknown_region` or
    `unknown_outline_level`, 400 `invalid_outline_detail` or `outlines_need_within`.
    """
    try:
        within, detail = outline_query(request, level)
        version = selectors.boundary_version()
        tag = hashlib.sha256(f"{version}:{level}:{within}:{detail}".encode()).hexdigest()[:20]
        # Weak: the same outlines are sent gzipped or not, as the client accepts.
        etag = f'W/"{tag}"'
        response = get_conditional_response(request, etag=etag)
        if response is None:
            gzipped = selectors.region_outlines(
                level=level, within=within, detail=detail, version=version
            )
            response = outlines_response(request, gzipped)
    except DomainError as error:
        return error_json(error)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=OUTLINES_MAX_AGE)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def outlines_response(request: HttpRequest, gzipped: bytes) -> HttpResponse:
    """The outlines as they are kept, gzipped, to a client that accepts it (every
    browser): compressed once, not per answer; unpacked for any other."""
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(gzipped, content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
        return response
    return HttpResponse(gzip.decompress(gzipped), content_type="application/geo+json")


def outline_query(request: HttpRequest, level: int) -> tuple[str | None, int]:
    """The `within` and `detail` of an outlines request, or the refusal of them."""
    if level not in Region.Level.values:
        raise NotFound(_("Outlines are of level 1, 2 or 3."), code="unknown_outline_level")
    within = request.GET.get("within", "").strip() or None
    raw_detail = request.GET.get("detail", "0").strip()
    if raw_detail not in {str(detail) for detail in OUTLINE_DETAILS}:
        raise DomainError(
            "invalid_outline_detail",
            _("The detail of outlines is 0, 1 or 2."),
            field="detail",
        )
    detail = int(raw_detail)
    if detail > 0 and level > Region.Level.PROVINCE and within is None:
        raise DomainError(
            "outlines_need_within",
            _("Finer outlines of prefectures and counties are given within one region."),
            field="within",
        )
    return within, detail
