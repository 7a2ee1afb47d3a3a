from django.urls import URLPattern

app_name = "routing"
urlpatterns: list[URLPattern] = []
