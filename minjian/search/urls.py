from django.urls import path

from minjian.search import views

app_name = "search"
# Under /cases/, before the cases app's own addresses (config/urls.py).
urlpatterns = [
    path("", views.case_list, name="cases"),
    path("map/", views.case_map, name="map"),
    path("map/counts.json", views.case_map_counts, name="map-counts"),
    path("map/features.json", views.case_map_features, name="map-features"),
    path("export.csv", views.case_export, name="export"),
]
