from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "minjian.claims"
    label = "claims"

    def ready(self) -> None:
        from minjian.cases.signals import case_events_written
        from minjian.claims.receivers import settle_flags
        from minjian.claims.recording import backfill_claims
        from minjian.record import backfill

        case_events_written.connect(settle_flags, dispatch_uid="claims_settle_flags")
        backfill.register("claim", backfill_claims)
