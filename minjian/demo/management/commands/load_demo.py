"""`manage.py load_demo`: fill a new instance with demo content that looks lived in."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.utils import timezone

from minjian.demo.content import STAFF_PSEUDONYM
from minjian.demo.loader import (
    DemoStepFailed,
    demo_is_loaded,
    instance_has_cases,
    load_demo,
    missing_region_codes,
)


class Command(BaseCommand):
    help = (
        "Load the demo: about thirty cases across China's provinces and all topics, "
        "reported over the last 60 days, with photos the project draws itself; a few NGOs, "
        "a government agency, and their members, all written through the services. "
        "Needs the regions (run load_regions first). Makes a staff account "
        f"'{STAFF_PSEUDONYM}'. Every demo account gets the password in the environment "
        "variable MINJIAN_DEMO_PASSWORD if it is set (so that a developer knows it in "
        "advance), or else one made at random and printed once. Running it again changes "
        "nothing: if the staff account exists, the demo is taken as loaded. It refuses to "
        "run on a database that already has cases."
    )

    # A developer's command: its words are English, and so are the services' messages here.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        if demo_is_loaded():
            self.stdout.write(
                f"The demo is already loaded (the account '{STAFF_PSEUDONYM}' exists): "
                "nothing to do."
            )
            return
        missing = missing_region_codes()
        if missing:
            shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
            raise CommandError(
                f"{len(missing)} of the regions the demo needs are not loaded ({shown}). "
                "Run `python manage.py load_regions` first."
            )
        if instance_has_cases():
            raise CommandError(
                "This database already has cases: the demo is only loaded into a new instance, "
                "so that made-up reports never mix with real ones."
            )
        chosen: str = settings.MINJIAN_DEMO_PASSWORD
        password = chosen or secrets.token_urlsafe(12)
        try:
            loaded = load_demo(password=password, now=timezone.now())
        except DemoStepFailed as error:
            raise CommandError(
                f"The demo could not be loaded, nothing was kept: {error}"
            ) from error

        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo: {len(loaded.accounts)} accounts, {loaded.organisations} "
                f"organisations, {loaded.cases} cases with {loaded.photos} photos."
            )
        )
        self.stdout.write(f"Staff account: {STAFF_PSEUDONYM}")
        others = [name for name in loaded.accounts if name != STAFF_PSEUDONYM]
        self.stdout.write(f"Other accounts: {', '.join(others)}")
        if chosen:
            self.stdout.write("Password of every demo account: the value of MINJIAN_DEMO_PASSWORD.")
        else:
            self.stdout.write(
                f"Password of every demo account (shown only now, not stored): {password}"
            )
