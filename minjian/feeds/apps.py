from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "minjian.feeds"
    label = "feeds"
