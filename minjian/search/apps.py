from django.apps import AppConfig
from django.db.models.signals import post_save


class SearchConfig(AppConfig):
    name = "minjian.search"
    label = "search"

    def ready(self) -> None:
        from minjian.cases.models import CaseEvent
        from minjian.search.receivers import reindex_on_case_event

        post_save.connect(
            reindex_on_case_event, sender=CaseEvent, dispatch_uid="search_reindex_on_case_event"
        )
