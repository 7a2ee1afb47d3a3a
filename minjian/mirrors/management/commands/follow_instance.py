"""`manage.py follow_instance NAME URL [--public-key B64]`: follow another Minjian instance,
served here under /mirrors/NAME/."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minjian.core.errors import DomainError
from minjian.mirrors import services


class Command(BaseCommand):
    help = (
        "Follow another Minjian instance by its address: read its /.well-known/minjian.json "
        "and pin its signing key (which must be --public-key when given). Then run "
        "pull_mirrors to bring its public record."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="The mirror's name, as in /mirrors/NAME/.")
        parser.add_argument("url", help="The instance's address, e.g. https://minjian.example.org/")
        parser.add_argument(
            "--public-key",
            default=None,
            help="Its Ed25519 public key (base64url, as its /.well-known/minjian.json gives "
            "it), learnt some other way: refused if the instance publishes another.",
        )

    def handle(
        self, *args: Any, name: str, url: str, public_key: str | None, **options: Any
    ) -> None:
        try:
            source = services.follow(name, url, public_key)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            _("Following %(instance)s as %(name)s, key %(key_id)s.")
            % {"instance": source.instance, "name": source.name, "key_id": source.key_id}
        )
