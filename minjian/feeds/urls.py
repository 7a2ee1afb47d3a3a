from django.urls import path

from minjian.core.public_cache import CASES, ORGANISATIONS, public_page, tags_for_everything
from minjian.feeds import feeds, views

# Every feed shows cases and the organisations that answer them.
_public = public_page(tags_for_everything(CASES, ORGANISATIONS))

app_name = "feeds"
urlpatterns = [
    path("", views.index, name="index"),
    path("topics/<slug:slug>/", _public(feeds.TopicFeed()), name="topic"),
    path("regions/<str:code>/", _public(feeds.RegionFeed()), name="region"),
    path("orgs/<slug:slug>/", _public(feeds.OrganisationFeed()), name="organisation"),
    path("cases/<id:case_id>/", _public(feeds.CaseTimelineFeed()), name="case"),
]
