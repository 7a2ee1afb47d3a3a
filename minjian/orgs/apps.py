from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "minjian.orgs"
    label = "orgs"
