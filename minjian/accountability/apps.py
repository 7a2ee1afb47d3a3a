from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "minjian.accountability"
    label = "accountability"
