"""Which settings module a process uses: production when MINJIAN_PRODUCTION is set."""

from __future__ import annotations

import os

from config import env


def configure() -> None:
    default = "config.settings.production" if env.PRODUCTION else "config.settings.base"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
