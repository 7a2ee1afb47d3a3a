from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "minjian.routing"
    label = "routing"

    def ready(self) -> None:
        from minjian.cases.signals import case_events_written
        from minjian.routing.receivers import acknowledge_in_inbox, route_published_case

        case_events_written.connect(
            route_published_case, dispatch_uid="routing_route_published_case"
        )
        case_events_written.connect(
            acknowledge_in_inbox, dispatch_uid="routing_acknowledge_in_inbox"
        )
