from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "minjian.routing"
    label = "routing"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from minjian.cases.models import CaseEvent
        from minjian.routing.receivers import route_published_case

        post_save.connect(
            route_published_case, sender=CaseEvent, dispatch_uid="routing_route_published_case"
        )
