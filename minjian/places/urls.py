from django.urls import path

from minjian.places import views

app_name = "places"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("<str:code>/", views.region_detail, name="detail"),
]
