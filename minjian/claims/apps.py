from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "minjian.claims"
    label = "claims"
