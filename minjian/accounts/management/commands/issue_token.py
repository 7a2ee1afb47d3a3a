"""`manage.py issue_token USERNAME [--name NAME]`: print a new personal API token."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minjian.accounts import selectors, services
from minjian.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue a personal API token for an account and print it. Only a digest is kept, "
        "so this is the one time the token can be read."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="The account's pseudonym (case does not matter).")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = selectors.active_user_by_pseudonym(username)
        if user is None:
            raise CommandError(
                _("No active account has the pseudonym %(pseudonym)s.") % {"pseudonym": username}
            )
        try:
            _api_token, token = services.api_token_issue(actor=user, user=user, name=name)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        # Only the token on standard output, so that scripts can capture it.
        self.stdout.write(token)
