"""`manage.py export_instance PATH [--kind public|full] [--passphrase-file FILE]`: write the
instance's record as a signed bundle (minjian/archive/bundle_export.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minjian.archive.bundle_export import FULL, KINDS, PUBLIC, BundleError, export_instance
from minjian.archive.passphrase import PASSPHRASE_VARIABLE, PassphraseError, read_passphrase


class Command(BaseCommand):
    help = (
        "Write the instance's record as a BagIt bundle, signed: public (what anyone may read, "
        "for mirrors) or full (everything, encrypted with a passphrase, for a backup or a move)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="A new folder to write the bundle into.")
        parser.add_argument("--kind", choices=KINDS, default=PUBLIC)
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help=f"A file holding the passphrase of a full bundle (or set {PASSPHRASE_VARIABLE}).",
        )

    def handle(
        self, *args: Any, path: Path, kind: str, passphrase_file: Path | None, **options: Any
    ) -> None:
        try:
            passphrase = read_passphrase(passphrase_file) if kind == FULL else None
            summary = export_instance(path, kind, passphrase=passphrase)
        except (BundleError, PassphraseError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Wrote a %(kind)s bundle at %(path)s: %(rows)d rows in %(tables)d tables, "
                "%(media)d media files."
            )
            % {
                "kind": kind,
                "path": path,
                "rows": sum(summary.rows.values()),
                "tables": len(summary.rows),
                "media": summary.media_files,
            }
        )
        if summary.missing_media:
            self.stderr.write(
                _("%(count)d media files named by rows were missing from storage.")
                % {"count": summary.missing_media}
            )
