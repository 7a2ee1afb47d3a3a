"""`manage.py seal_record`: seal what the apps appended to the public record (the job does it
after each change; this is for a timer, a backfill and tests)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minjian.record.services import seal_record


class Command(BaseCommand):
    help = "Seal the record's unsealed entries into the hash chain and sign its head."

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = seal_record()
        self.stdout.write(f"{sealed} entries sealed.")
