from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "minjian.aid"
    label = "aid"

    def ready(self) -> None:
        from minjian.aid.recording import backfill_drives
        from minjian.record import backfill

        backfill.register("drive", backfill_drives)
