"""Make an account site staff (or, with --revoke, take that away) from the server's shell."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minjian.accounts.selectors import active_user_by_pseudonym
from minjian.accounts.services import account_set_staff


class Command(BaseCommand):
    help = "Make an account site staff, or with --revoke take that away. Recorded on the account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the account's pseudonym")
        parser.add_argument("--revoke", action="store_true", help="take staff rights away")

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user_by_pseudonym(options["username"])
        if user is None:
            raise CommandError(f"There is no active account called {options['username']!r}.")
        account_set_staff(actor=None, user=user, is_staff=not options["revoke"])
        state = "is no longer" if options["revoke"] else "is now"
        self.stdout.write(f"{user.username} {state} site staff.")
