from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "minjian.orgs"
    label = "orgs"

    def ready(self) -> None:
        from minjian.orgs.recording import backfill_organisations
        from minjian.record import backfill

        backfill.register("organisation", backfill_organisations)
