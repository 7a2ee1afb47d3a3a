from django.urls import URLPattern

app_name = "feeds"
urlpatterns: list[URLPattern] = []
