from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "minjian.cases"
    label = "cases"

    def ready(self) -> None:
        from minjian.cases.receivers import fingerprint_on_case_events
        from minjian.cases.recording import backfill_cases
        from minjian.cases.signals import case_events_written
        from minjian.record import backfill

        backfill.register("case", backfill_cases)

        case_events_written.connect(
            fingerprint_on_case_events, dispatch_uid="cases_fingerprint_on_case_event"
        )
