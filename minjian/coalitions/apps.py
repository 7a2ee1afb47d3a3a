from django.apps import AppConfig


class CoalitionsConfig(AppConfig):
    name = "minjian.coalitions"
    label = "coalitions"

    def ready(self) -> None:
        from minjian.coalitions.recording import backfill_coalitions
        from minjian.record import backfill

        backfill.register("coalition", backfill_coalitions)
