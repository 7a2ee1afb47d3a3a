from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "minjian.jobs"
    label = "jobs"
    verbose_name = "Background work"
