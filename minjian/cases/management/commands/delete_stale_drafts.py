"""`manage.py delete_stale_drafts`: delete the photos kept for forms that were never sent.

A new draft already asks for this now and then (`cases.services_drafts`); run it from
cron as well (e.g. hourly) on a site where few reports come in.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minjian.cases.services_drafts import photo_drafts_delete_stale


class Command(BaseCommand):
    help = "Delete the photos kept for report forms that were not sent in the last hours."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = photo_drafts_delete_stale()
        self.stdout.write(f"{deleted} stale draft(s) deleted.")
