from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "minjian.petitions"
    label = "petitions"

    def ready(self) -> None:
        from minjian.core import moderation_log
        from minjian.petitions.recording import backfill_petitions
        from minjian.petitions.selectors import public_moderation_entries
        from minjian.record import backfill

        moderation_log.register("petitions", public_moderation_entries)
        backfill.register("petition", backfill_petitions)
