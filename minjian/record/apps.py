from django.apps import AppConfig


class RecordConfig(AppConfig):
    """The public record as an append-only hash chain with signed checkpoints: what a
    mirror checks to prove the source never rewrote its history."""

    name = "minjian.record"
    label = "record"
