"""The site's addresses, and the names petitions' mail links to for tests that run before
the petition pages exist (the web half of the app adds them to config/urls.py under the
same names; the site's own, listed first, then take precedence): a mail's links are
built the way they will be."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, include, path


def _page(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse(status=204)


_pages: list[URLPattern] = [
    path("petitions/<id:petition_id>/", _page, name="detail"),
    path("petitions/signatures/confirm/<str:token>/", _page, name="signature_confirm"),
    path("petitions/signatures/withdraw/<str:token>/", _page, name="signature_withdraw"),
]

urlpatterns = [path("", include("config.urls")), path("", include((_pages, "petitions")))]
