from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: content that looks lived in, written through every app's services. It sits
    above the domain apps (it uses them all) and nothing imports it."""

    name = "minjian.demo"
    label = "demo"
    verbose_name = "Demo"
