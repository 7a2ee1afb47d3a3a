from django.urls import path

from minjian.orgs import views, views_moderation

app_name = "orgs"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("<slug:slug>/members/", views.organisation_members, name="members"),
    path("<slug:slug>/verify/", views_moderation.organisation_verify, name="verify"),
]
