from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "minjian.core"
    label = "core"
