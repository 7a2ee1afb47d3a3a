"""Sealing a full bundle with a passphrase, with age (https://age-encryption.org, through
PyPI `pyrage`).

age's passphrase mode (scrypt) encrypts bytes held in memory only, so a bundle of any size is
sealed in two layers:

    bundle.tar.age   the bag as a tar, encrypted in a stream (`pyrage.encrypt_io`) to a
                     random X25519 identity made for this bundle alone
    identity.age     that identity (a short text), encrypted with the passphrase (age's
                     scrypt recipient, `pyrage.passphrase.encrypt`)

Opening takes the passphrase to decrypt the identity, then the identity to decrypt the tar
in a stream. Either file alone is useless; `age -d` opens both by hand (`age -d identity.age
> key.txt; age -d -i key.txt bundle.tar.age | tar x`).
"""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pyrage
from django.utils.translation import gettext as _
from pyrage import x25519

BUNDLE_FILE = "bundle.tar.age"
IDENTITY_FILE = "identity.age"
BAG_FOLDER = "bag"


class SealError(Exception):
    pass


def is_sealed(path: Path) -> bool:
    return (path / BUNDLE_FILE).is_file() and (path / IDENTITY_FILE).is_file()


def seal(bag: Path, target: Path, passphrase: str) -> None:
    """Writes the sealed bundle of the bag folder `bag` into the new folder `target`.
    The tar is written beside `bag` first (in its private folder), then encrypted."""
    identity = x25519.Identity.generate()
    plain_tar = bag.parent / f"{bag.name}.tar"
    with tarfile.open(plain_tar, "w") as archive:
        archive.add(bag, arcname=BAG_FOLDER)
    target.mkdir(parents=True)
    try:
        with plain_tar.open("rb") as source, (target / BUNDLE_FILE).open("wb") as sealed:
            pyrage.encrypt_io(source, sealed, [identity.to_public()])
        (target / IDENTITY_FILE).write_bytes(
            pyrage.passphrase.encrypt(str(identity).encode("ascii"), passphrase)
        )
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        plain_tar.unlink(missing_ok=True)


def unseal(sealed: Path, workdir: Path, passphrase: str) -> Path:
    """Opens the sealed bundle `sealed` into `workdir` (a private folder); returns its bag."""
    try:
        identity_text = pyrage.passphrase.decrypt((sealed / IDENTITY_FILE).read_bytes(), passphrase)
        identity = x25519.Identity.from_str(identity_text.decode("ascii"))
    except (pyrage.DecryptError, pyrage.IdentityError, UnicodeDecodeError) as error:
        raise SealError(_("The passphrase does not open this bundle.")) from error
    plain_tar = workdir / "bundle.tar"
    try:
        with (sealed / BUNDLE_FILE).open("rb") as source, plain_tar.open("wb") as opened:
            pyrage.decrypt_io(source, opened, [identity])
    except pyrage.DecryptError as error:
        raise SealError(
            _("%(file)s is damaged: it does not decrypt.") % {"file": BUNDLE_FILE}
        ) from error
    try:
        with tarfile.open(plain_tar) as archive:
            # The "data" filter refuses links and paths that leave the folder.
            archive.extractall(workdir, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise SealError(
            _("%(file)s does not hold a readable tar: %(error)s")
            % {"file": BUNDLE_FILE, "error": error}
        ) from error
    finally:
        plain_tar.unlink(missing_ok=True)
    bag = workdir / BAG_FOLDER
    if not bag.is_dir():
        raise SealError(_("%(file)s holds no bag.") % {"file": BUNDLE_FILE})
    return bag
