from django.urls import path

from minjian.feeds import feeds, views

app_name = "feeds"
urlpatterns = [
    path("", views.index, name="index"),
    path("topics/<slug:slug>/", feeds.TopicFeed(), name="topic"),
    path("regions/<str:code>/", feeds.RegionFeed(), name="region"),
    path("orgs/<slug:slug>/", feeds.OrganisationFeed(), name="organisation"),
    path("cases/<id:case_id>/", feeds.CaseTimelineFeed(), name="case"),
]
