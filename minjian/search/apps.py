from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "minjian.search"
    label = "search"
