from django.urls import path

from minjian.mirrors import views

app_name = "mirrors"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("<slug:name>/", views.source_cases, name="cases"),
    path("<slug:name>/cases/<id:case_id>/", views.case_detail, name="case"),
    path("<slug:name>/removed/", views.removed, name="removed"),
    path("<slug:name>/record/", views.record, name="record"),
    path("<slug:name>/photos/<slug:sha256>.jpg", views.photo, name="photo"),
]
