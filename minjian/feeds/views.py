"""The page that lists the feeds, linked from every page's footer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from minjian.places.selectors import top_level_regions
from minjian.topics.selectors import topic_list


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Atom feeds per topic and per province; a case's and an organisation's own feeds are
    linked from their pages, and a region's from its page and the filtered list."""
    return render(
        request,
        "feeds/index.html",
        {"topics": topic_list(), "provinces": top_level_regions()},
    )
