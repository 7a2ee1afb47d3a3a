"""`manage.py record_backfill`: append to the public record what is public now and not in it
yet, then seal it (run once on an instance that existed before the record; run again, it
adds nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minjian.record.backfill import backfill_record
from minjian.record.services import seal_record


class Command(BaseCommand):
    help = "Append what is public and not yet in the record, then seal the record."

    def handle(self, *args: Any, **options: Any) -> None:
        added = backfill_record()
        sealed = seal_record()
        for subject_type, count in added.items():
            self.stdout.write(f"{subject_type}: {count} added")
        self.stdout.write(f"{sealed} entries sealed.")
