from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "minjian.places"
    label = "places"
