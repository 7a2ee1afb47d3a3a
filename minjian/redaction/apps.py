from django.apps import AppConfig


class RedactionConfig(AppConfig):
    name = "minjian.redaction"
    label = "redaction"
