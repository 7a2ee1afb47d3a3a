from django.apps import AppConfig


class MirrorsConfig(AppConfig):
    """Pull mirrors: this instance follows another by its address and public key, keeps
    its public record read-only and serves it when the source is gone."""

    name = "minjian.mirrors"
    label = "mirrors"
