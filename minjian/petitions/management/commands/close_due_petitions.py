"""`manage.py close_due_petitions`: close the open petitions whose deadline has passed
(those whose owners chose delivery at the deadline are then delivered), and delete the
e-mail signatures never confirmed in time, with their addresses.

Run it once a day after midnight (site time zone), from cron. Running it twice closes
and deletes nothing more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minjian.petitions import services


class Command(BaseCommand):
    help = "Close petitions past their deadline; forget e-mail signatures never confirmed."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = services.petitions_close_due()
        expired = services.signatures_expire_pending()
        self.stdout.write(f"closed {closed} petitions, deleted {expired} unconfirmed signatures")
