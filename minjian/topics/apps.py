from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "minjian.topics"
    label = "topics"
