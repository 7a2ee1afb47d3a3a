"""The site's addresses with the names petitions' mail links to, for tests that run before
the petition pages exist (the web half of the app adds them to config/urls.py under the
same names): a mail's links are then built the way they will be."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from config.urls import urlpatterns as site


def _page(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse(status=204)


_pages: list[URLPattern | URLResolver] = [
    path("petitions/<id:petition_id>/", _page, name="detail"),
    path("petitions/signatures/confirm/<str:token>/", _page, name="signature_confirm"),
    path("petitions/signatures/withdraw/<str:token>/", _page, name="signature_withdraw"),
]

_named = any(getattr(pattern, "namespace", None) == "petitions" for pattern in site)
urlpatterns = [*site] if _named else [*site, path("", include((_pages, "petitions")))]
