from django.apps import AppConfig
from django.db.models.signals import post_save


class NotifyConfig(AppConfig):
    name = "minjian.notify"
    label = "notify"
    verbose_name = "Mail"

    def ready(self) -> None:
        from minjian.cases.models import CaseEvent
        from minjian.notify.signals import on_case_event

        post_save.connect(on_case_event, sender=CaseEvent, dispatch_uid="notify.on_case_event")
