"""The instance's Ed25519 signing key: what Minjian signs, anyone can check with the public
key it publishes at `/.well-known/minjian.json`, without asking Minjian.

The key is a PEM file (PKCS #8, as `openssl genpkey -algorithm ed25519` writes it) at
`MINJIAN_SIGNING_KEY_FILE`. Outside production a missing key is made at first use, readable
by its owner only, like the embedded default's SECRET_KEY; production never makes one (its
settings refuse to start without the file), because a new key would leave every earlier
signature checkable only against a key the instance no longer publishes.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "Ed25519"


def public_key() -> bytes:
    """The raw public key, 32 bytes."""
    return (
        _private_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def public_key_base64url() -> str:
    """The raw public key in unpadded base64url, as a JWK's `x` writes an Ed25519 key."""
    return base64url(public_key())


def public_key_pem() -> str:
    """The public key as PEM (SubjectPublicKeyInfo), which `openssl pkeyutl -verify` reads."""
    return (
        _private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def key_id(raw_public_key: bytes | None = None) -> str:
    """A short name of a public key (the instance's unless given): the first 16 hex digits
    of its SHA-256, to tell keys apart, never to check a signature."""
    return hashlib.sha256(raw_public_key or public_key()).hexdigest()[:16]


def sign(data: bytes) -> bytes:
    """The detached signature of `data` by the instance's key, 64 bytes."""
    return _private_key().sign(data)


def verify(raw_public_key: bytes, data: bytes, signature: bytes) -> bool:
    """Whether `signature` is the signature of `data` by the key `raw_public_key`; a key
    or a signature of the wrong shape is no match."""
    try:
        Ed25519PublicKey.from_public_bytes(raw_public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _private_key() -> Ed25519PrivateKey:
    return _key_in(
        Path(settings.MINJIAN_SIGNING_KEY_FILE), settings.MINJIAN_SIGNING_KEY_MADE_AT_FIRST_USE
    )


@functools.cache
def _key_in(path: Path, made_at_first_use: bool) -> Ed25519PrivateKey:
    if not path.exists():
        if not made_at_first_use:
            raise ImproperlyConfigured(
                f"The instance's signing key {path} is missing (MINJIAN_SIGNING_KEY_FILE)."
            )
        _make_key(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            f"{path} is not an unencrypted PEM private key (MINJIAN_SIGNING_KEY_FILE)."
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 key (MINJIAN_SIGNING_KEY_FILE).")
    return key


def _make_key(path: Path) -> None:
    """Writes a new key at `path`, mode 0600. Processes starting together make one key: each
    writes its own under a temporary name (mkstemp's mode is 0600), and only the first to
    link it at `path` wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        # Another process that made the key first wins: its key is the instance's.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
