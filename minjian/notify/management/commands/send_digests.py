"""`manage.py send_digests [--date YYYY-MM-DD]`: the daily digests of one day (default: yesterday).

Run it once a day after midnight (site time zone), from cron; see minjian/notify/services_mail.py.
Running it twice for the same day sends nothing more.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minjian.notify import selectors, services_mail


class Command(BaseCommand):
    help = (
        "Mail the daily digests of cases routed to organisations on one day (default: yesterday)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day, YYYY-MM-DD, in the site's time zone")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"Not a date: {options['date']!r}") from error
        else:
            day = selectors.site_today() - timedelta(days=1)
        services_mail.members_mail_daily_digests(day=day)
        self.stdout.write(f"Digests of {day.isoformat()} sent.")
