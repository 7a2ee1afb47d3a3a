from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "minjian.routing"
    label = "routing"
