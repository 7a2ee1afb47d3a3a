from django.urls import path

from minjian.places import views

app_name = "places"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("outlines/<int:level>.geojson", views.region_outlines, name="outlines"),
    path("<str:code>/", views.region_detail, name="detail"),
]
