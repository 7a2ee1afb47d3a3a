"""`manage.py open311_key NAME`: print a new Open311 api_key for an application."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minjian.core.errors import DomainError
from minjian.open311 import services


class Command(BaseCommand):
    help = (
        "Issue an Open311 api_key for an application and print it. Only a digest is kept, "
        "so this is the one time the key can be read. With --revoke, stop the keys of NAME."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="The application the key is for.")
        parser.add_argument("--revoke", action="store_true", help="Stop every key of NAME.")

    def handle(self, *args: Any, name: str, revoke: bool, **options: Any) -> None:
        if revoke:
            stopped = services.open311_key_revoke(name=name)
            if not stopped:
                raise CommandError(f"No working key is named {name!r}.")
            self.stderr.write(f"{stopped} key(s) named {name!r} no longer work.")
            return
        try:
            _key, raw = services.open311_key_issue(name=name)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        # Only the key on standard output, so that scripts can capture it.
        self.stdout.write(raw)
