from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "minjian.aid"
    label = "aid"
