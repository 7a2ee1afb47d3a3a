"""The product's URLs plus `/bench/bare/`: the baseline every page is compared with."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare_view(request: HttpRequest) -> HttpResponse:
    """What Django costs with no query and no template: the same middleware, a tiny body."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare_view),
    path("", include("config.urls")),
]
