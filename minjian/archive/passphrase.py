"""Where the commands of the bundles read a passphrase and a public key from: never the command
line, which other users of the machine can read in the process list."""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from django.utils.translation import gettext as _

PASSPHRASE_VARIABLE = "MINJIAN_BUNDLE_PASSPHRASE"  # noqa: S105  # a variable's name, not a secret


class PassphraseError(Exception):
    pass


def read_passphrase(passphrase_file: Path | None) -> str:
    """The passphrase in `passphrase_file` (its first line), else in the environment."""
    if passphrase_file is not None:
        try:
            passphrase = passphrase_file.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, UnicodeDecodeError, IndexError) as error:
            raise PassphraseError(
                _("The passphrase file %(path)s cannot be read.") % {"path": passphrase_file}
            ) from error
    else:
        passphrase = os.environ.get(PASSPHRASE_VARIABLE, "")
    if not passphrase:
        raise PassphraseError(
            _("A full bundle needs a passphrase: --passphrase-file or %(variable)s.")
            % {"variable": PASSPHRASE_VARIABLE}
        )
    return passphrase


def read_public_key(text: str) -> bytes:
    """A raw Ed25519 public key from its unpadded base64url text."""
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise PassphraseError(_("The trusted key is not base64url.")) from error
    if len(key) != 32:
        raise PassphraseError(_("The trusted key is not an Ed25519 public key (32 bytes)."))
    return key
