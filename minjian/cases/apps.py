from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "minjian.cases"
    label = "cases"
