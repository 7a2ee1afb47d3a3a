from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "minjian.accountability"
    label = "accountability"

    def ready(self) -> None:
        from minjian.accountability.facts import refresh_on_case_events
        from minjian.cases.signals import case_events_written

        case_events_written.connect(
            refresh_on_case_events, dispatch_uid="accountability_refresh_on_case_event"
        )
