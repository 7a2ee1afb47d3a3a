from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "minjian.notify"
    label = "notify"
