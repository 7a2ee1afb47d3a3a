"""`manage.py import_instance PATH [--passphrase-file FILE] [--trusted-key KEY]`: restore a
bundle into an empty instance, whole or not at all (minjian/archive/bundle_import.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minjian.archive import bundle_crypto
from minjian.archive.bundle_export import BundleError
from minjian.archive.bundle_import import import_instance
from minjian.archive.passphrase import (
    PASSPHRASE_VARIABLE,
    PassphraseError,
    read_passphrase,
    read_public_key,
)


class Command(BaseCommand):
    help = (
        "Import a bundle written by export_instance into this empty instance: everything of a "
        "full bundle, the public part of a public one. Checks it first; changes nothing if any "
        "check fails."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The bundle's folder.")
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help=f"A file holding the passphrase of a full bundle (or set {PASSPHRASE_VARIABLE}).",
        )
        parser.add_argument(
            "--trusted-key",
            help="Demand that the bundle be signed by this Ed25519 public key (base64url, as "
            "/.well-known/minjian.json publishes it).",
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        passphrase_file: Path | None,
        trusted_key: str | None,
        **options: Any,
    ) -> None:
        try:
            key = read_public_key(trusted_key) if trusted_key else None
            passphrase = read_passphrase(passphrase_file) if bundle_crypto.is_sealed(path) else None
            summary = import_instance(path, passphrase=passphrase, trusted_public_key=key)
        except (BundleError, PassphraseError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Imported a %(kind)s bundle signed by the key %(key)s: %(rows)d rows in "
                "%(tables)d tables, %(media)d media files."
            )
            % {
                "kind": summary.kind,
                "key": summary.key_id,
                "rows": sum(summary.rows.values()),
                "tables": len(summary.rows),
                "media": summary.media_files,
            }
        )
