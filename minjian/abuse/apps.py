from django.apps import AppConfig


class AbuseConfig(AppConfig):
    """Abuse control: rate limits, the ALTCHA proof of work and the security headers."""

    name = "minjian.abuse"
    label = "abuse"
