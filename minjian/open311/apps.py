from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "minjian.open311"
    label = "open311"
