from django.urls import path

from minjian.coalitions import feeds, views

app_name = "coalitions"
urlpatterns = [
    path("", views.coalition_list, name="list"),
    path("new/", views.coalition_found, name="found"),
    path("moderation/", views.moderation, name="moderation"),
    path("<id:coalition_id>/", views.coalition_detail, name="detail"),
    path("<id:coalition_id>/timeline.atom", feeds.timeline_feed, name="feed"),
    path("<id:coalition_id>/membership/", views.coalition_membership, name="membership"),
    path("<id:coalition_id>/threads/", views.threads, name="threads"),
    path("<id:coalition_id>/threads/<id:thread_id>/", views.thread, name="thread"),
    path("<id:coalition_id>/proposals/new/", views.proposal_new, name="proposal_new"),
    path(
        "<id:coalition_id>/proposals/<id:proposal_id>/",
        views.proposal_detail,
        name="proposal",
    ),
    path(
        "<id:coalition_id>/proposals/<id:proposal_id>/vote/",
        views.proposal_act,
        {"action": "vote"},
        name="proposal_vote",
    ),
    path(
        "<id:coalition_id>/proposals/<id:proposal_id>/outcome/",
        views.proposal_act,
        {"action": "outcome"},
        name="proposal_outcome",
    ),
    path(
        "<id:coalition_id>/proposals/<id:proposal_id>/statement/",
        views.proposal_act,
        {"action": "statement"},
        name="proposal_statement",
    ),
    path(
        "<id:coalition_id>/proposals/<id:proposal_id>/petition/",
        views.proposal_act,
        {"action": "petition"},
        name="proposal_petition",
    ),
]
