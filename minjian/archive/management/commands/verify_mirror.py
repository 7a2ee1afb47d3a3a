"""`manage.py verify_mirror PATH_OR_URL [--trusted-key KEY]`: check a static mirror or a
bundle against its signed manifest (minjian/archive/manifest.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minjian.archive.manifest import ManifestError, check_manifest
from minjian.archive.passphrase import PassphraseError, read_public_key


class Command(BaseCommand):
    help = (
        "Check every file of a static mirror or an unencrypted bundle (a folder, or a URL "
        "where one is served) against its signed manifest: say which files are missing, "
        "changed or extra (extra files cannot be listed over HTTP) and whether the "
        "signature holds. With --trusted-key (the instance's public key, base64url, from "
        "/.well-known/minjian.json), only that key's signature is accepted. Exits with "
        "status 1 on any problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("location", help="The mirror's or bundle's folder, or its URL.")
        parser.add_argument("--trusted-key", help="The Ed25519 public key to trust, base64url.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            trusted = read_public_key(options["trusted_key"]) if options["trusted_key"] else None
        except PassphraseError as error:
            raise CommandError(str(error)) from error
        try:
            report = check_manifest(options["location"], trusted)
        except ManifestError as error:
            raise CommandError(f"{options['location']}: {error}") from error
        except OSError as error:
            raise CommandError(f"{options['location']} cannot be read: {error}") from error
        self.stdout.write(
            f"{report.kind} of {report.instance}, made {report.made_at}, "
            f"{len(report.files)} files, key {report.key_id}"
        )
        if report.signature_ok:
            self.stdout.write("Signature: good" + (" (trusted key)" if trusted else ""))
        else:
            self.stdout.write(
                "Signature: BAD"
                + (" (not by the trusted key)" if trusted else " (the manifest was altered)")
            )
        for label, paths in (
            ("Missing", report.missing),
            ("Changed", report.changed),
            ("Extra", report.extra),
        ):
            for path in paths:
                self.stdout.write(f"{label}: {path}")
        if not report.ok:
            raise CommandError(
                f"{options['location']} does not match its signed manifest: "
                f"{len(report.missing)} missing, {len(report.changed)} changed, "
                f"{len(report.extra)} extra, signature {'good' if report.signature_ok else 'bad'}."
            )
        self.stdout.write(f"All {len(report.files)} files match the signed manifest.")
