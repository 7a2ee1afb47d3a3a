from django.urls import path

from minjian.petitions import feeds, views, views_moderation, views_owners

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list, name="list"),
    path("open.atom", feeds.open_petitions_feed, name="feed"),
    path("new/", views_owners.petition_new, name="new"),
    path("mine/", views.my_signatures, name="mine"),
    path("signatures/confirm/<str:token>/", views.confirm_link, name="signature_confirm"),
    path("signatures/withdraw/<str:token>/", views.withdraw_link, name="signature_withdraw"),
    path("moderation/", views_moderation.moderation, name="moderation"),
    path("moderation/trending/", views_moderation.trending, name="trending"),
    path("delivered/<slug:slug>/", views_moderation.delivered, name="delivered"),
    path("<id:petition_id>/", views.petition_detail, name="detail"),
    path("<id:petition_id>/counts.csv", views.counts_csv, name="counts_csv"),
    path("<id:petition_id>/map.svg", views.province_map, name="map"),
    path("<id:petition_id>/timeline.atom", feeds.timeline_feed, name="timeline_feed"),
    path("<id:petition_id>/sign/", views.sign, name="sign"),
    path("<id:petition_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<id:petition_id>/edit/", views_owners.edit, name="edit"),
    path("<id:petition_id>/owners/", views_owners.owners, name="owners"),
    path("<id:petition_id>/submit/", views_owners.submit, name="submit"),
    path("<id:petition_id>/approve/", views_moderation.approve, name="approve"),
    path("<id:petition_id>/reject/", views_moderation.reject, name="reject"),
    path("<id:petition_id>/review/", views_moderation.review, name="review"),
    path("<id:petition_id>/invalidate/", views_moderation.invalidate, name="invalidate"),
    path("<id:petition_id>/answer/", views_moderation.answer, name="answer"),
]
