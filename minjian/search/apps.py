from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "minjian.search"
    label = "search"

    def ready(self) -> None:
        from minjian.cases.signals import case_events_written
        from minjian.search.receivers import reindex_on_case_events

        case_events_written.connect(
            reindex_on_case_events, dispatch_uid="search_reindex_on_case_event"
        )
