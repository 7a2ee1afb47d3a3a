"""`manage.py pull_mirrors [NAME ...]`: bring the new public record of the instances this
one follows (all of them without a name), for a timer."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minjian.core.errors import DomainError
from minjian.mirrors import selectors, services


class Command(BaseCommand):
    help = (
        "Pull the new entries of the instances followed (each verified against its chain "
        "and signed checkpoint), their photos, and check a few of their cases. Exits with "
        "an error if any source failed; the others are pulled all the same."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("names", nargs="*", help="Mirrors to pull (default: every one).")
        parser.add_argument(
            "--page-size", type=int, default=services.PAGE_SIZE, help="Entries per request."
        )
        parser.add_argument(
            "--max-pages",
            type=int,
            default=None,
            help="Stop after this many pages (the next pull goes on from there).",
        )

    def handle(
        self,
        *args: Any,
        names: list[str],
        page_size: int,
        max_pages: int | None,
        **options: Any,
    ) -> None:
        if not 1 <= page_size <= 1000:
            raise CommandError(_("--page-size is from 1 to 1000."))
        failed = []
        for name in names or [source.name for source in selectors.sources()]:
            try:
                result = services.pull(name, page_size=page_size, max_pages=max_pages)
            except DomainError as error:
                failed.append(name)
                self.stderr.write(f"{name}: {error.code}: {error.message}")
                continue
            self.stdout.write(
                _(
                    "%(name)s: %(entries)d entries in %(pages)d pages, head at %(head)d; "
                    "%(photos)d photos; %(vanished)d cases vanished."
                )
                % {
                    "name": name,
                    "entries": result.entries,
                    "pages": result.pages,
                    "head": result.head_position,
                    "photos": result.photos,
                    "vanished": result.vanished,
                }
            )
            for problem in result.photo_errors:
                self.stderr.write(f"{name}: {problem}")
        if failed:
            raise CommandError(_("Not pulled: %(names)s.") % {"names": ", ".join(failed)})
