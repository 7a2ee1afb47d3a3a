from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve

from minjian.api import api
from minjian.cases import views as case_views

urlpatterns = [
    path("", case_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("accounts/", include("minjian.accounts.urls")),
    path("orgs/", include("minjian.orgs.urls")),
    path("places/", include("minjian.places.urls")),
    path("cases/", include("minjian.cases.urls")),
    path("altcha/", include("minjian.abuse.urls")),
    path("inbox/", include("minjian.routing.urls")),
    path("notify/", include("minjian.notify.urls")),
    path("open311/v2/", include("minjian.open311.urls")),
    path("feeds/", include("minjian.feeds.urls")),
    path("accountability/", include("minjian.accountability.urls")),
    path("aid/", include("minjian.aid.urls")),
]

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Local media is served by Django itself in the embedded default (a
    # production proxy may serve /media/ before it reaches us).
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
