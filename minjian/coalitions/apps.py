from django.apps import AppConfig


class CoalitionsConfig(AppConfig):
    name = "minjian.coalitions"
    label = "coalitions"
