from django.urls import URLPattern

app_name = "aid"
urlpatterns: list[URLPattern] = []
