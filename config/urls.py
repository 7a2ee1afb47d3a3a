from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import JavaScriptCatalog, set_language

from minjian.api import api, unknown_path
from minjian.cases import views as case_views
from minjian.core import well_known

urlpatterns = [
    path("", case_views.home, name="home"),
    # The instance's public key and addresses (minjian/core/signing.py).
    path(".well-known/minjian.json", well_known.instance_document, name="well_known_minjian"),
    # Without a form token: forging "show me English" harms nobody, and a token would make
    # every page's language switch the reader's own, so that no anonymous page could be
    # stored and sent to the next reader (minjian/core/public_cache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", unknown_path),
    path("accounts/", include("minjian.accounts.urls")),
    path("orgs/", include("minjian.orgs.urls")),
    path("places/", include("minjian.places.urls")),
    # Finding cases (the list and the map) is the search app's; the rest of /cases/ is cases'.
    path("cases/", include("minjian.search.urls")),
    path("cases/", include("minjian.cases.urls")),
    path("altcha/", include("minjian.abuse.urls")),
    path("inbox/", include("minjian.routing.urls")),
    path("notify/", include("minjian.notify.urls")),
    path("open311/v2/", include("minjian.open311.urls")),
    path("feeds/", include("minjian.feeds.urls")),
    path("accountability/", include("minjian.accountability.urls")),
    path("aid/", include("minjian.aid.urls")),
    path("claims/", include("minjian.claims.urls")),
    path("coalitions/", include("minjian.coalitions.urls")),
    path("petitions/", include("minjian.petitions.urls")),
    path("mirrors/", include("minjian.mirrors.urls")),
]

# A database, cache or disk out of reach is a 503 with Retry-After, not a 500.
handler500 = "config.error_handlers.server_error"
