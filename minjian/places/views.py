"""Public pages of the administrative tree: the provinces, and one region with its children."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minjian.places import selectors


def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "places/region_list.html", {"regions": selectors.top_level_regions()})


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "places/region_detail.html", {"detail": selectors.region_detail(code)})
