from django.urls import path

from minjian.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("map/", views.case_map, name="map"),
    path("report/", views.case_report, name="report"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/<slug:action>/", views.case_action, name="action"),
]
