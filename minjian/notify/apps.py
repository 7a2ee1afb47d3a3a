from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "minjian.notify"
    label = "notify"
    verbose_name = "Mail"

    def ready(self) -> None:
        from minjian.cases.signals import case_events_written
        from minjian.notify.receivers import mail_on_case_events

        case_events_written.connect(mail_on_case_events, dispatch_uid="notify.on_case_event")
