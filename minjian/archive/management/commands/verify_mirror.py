"""`manage.py verify_mirror PATH_OR_URL [--trusted-key KEY]`: check a static mirror or a
bundle against its signed manifest (minjian/archive/manifest.py)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minjian.archive.manifest import ManifestError, check_manifest

ED25519_KEY_BYTES = 32


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
        trusted = _public_key(options["trusted_key"]) if options["trusted_key"] else None
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


def _public_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError) as error:
        raise CommandError(f"--trusted-key is not base64url: {error}") from error
    if len(key) != ED25519_KEY_BYTES:
        raise CommandError(
            f"--trusted-key is {len(key)} bytes; an Ed25519 public key is {ED25519_KEY_BYTES}."
        )
    return key
