from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "minjian.core"
    label = "core"

    def ready(self) -> None:
        from minjian.core.converters import IdConverter

        # Before any urls.py is imported: `<id:...>` in a path needs it.
        register_converter(IdConverter, "id")
