"""`manage.py build_mirror DIR [--zim FILE] [--full] [--processes N]`: the signed static
mirror (minjian/archive/mirror.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minjian.archive.mirror import LANGUAGES, MirrorBuilder, MirrorError


class Command(BaseCommand):
    help = (
        "Write the whole public record as static HTML in DIR, in both languages, with relative "
        "links (it reads from file:// and from any web server), an offline search and a "
        "signed manifest. A second build into the same DIR renders again only the pages "
        "whose content changed and rewrites only the files whose bytes changed. "
        "--zim FILE also writes the mirror as one ZIM file for Kiwix."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, help="The mirror's folder (new, empty or a mirror).")
        parser.add_argument("--zim", type=Path, help="Also write the mirror as this ZIM file.")
        parser.add_argument(
            "--full",
            action="store_true",
            help="Render every page again (after a new version of the site's templates).",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=min(os.cpu_count() or 1, len(LANGUAGES)),
            help="Render the languages in up to this many processes, one language each "
            "(default: %(default)s, one for each core up to the number of languages).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            built = MirrorBuilder(options["dir"], full=options["full"]).build(
                zim=options["zim"], processes=options["processes"]
            )
        except MirrorError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Mirror written to {options['dir']}: {built.pages_rendered} pages rendered, "
            f"{built.pages_kept} kept, {built.files_written} files written, "
            f"{built.files_unchanged} unchanged, {built.files_removed} removed "
            f"(in {built.processes} process{'es' if built.processes > 1 else ''})."
        )
        for name in built.missing_static:
            self.stderr.write(f"Static file not found, its links made inert: {name}")
        for url, status in built.failed:
            self.stderr.write(f"The site answered {status} to {url}: not in the mirror.")
        if options["zim"]:
            self.stdout.write(f"ZIM written to {options['zim']}.")
