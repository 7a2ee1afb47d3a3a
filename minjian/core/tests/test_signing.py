"""The instance's signing key: made once outside production and kept, readable by its owner
only; refused missing in production; a signature checks with the public key alone."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from minjian.core import signing
from minjian.core.tests.test_settings import run_manage

PRODUCTION_SECRET_KEY = "k" * 20 + "-production-key-long-enough-and-random-0123456789"


@pytest.fixture
def key_file(settings: Any, tmp_path: Path) -> Path:
    settings.MINJIAN_SIGNING_KEY_FILE = tmp_path / "keys" / "signing_key.pem"
    settings.MINJIAN_SIGNING_KEY_MADE_AT_FIRST_USE = True
    return Path(settings.MINJIAN_SIGNING_KEY_FILE)


def test_the_key_is_made_at_first_use_readable_by_its_owner_only(key_file: Path) -> None:
    assert not key_file.exists()

    public = signing.public_key()

    assert len(public) == 32
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert [path.name for path in key_file.parent.iterdir()] == ["signing_key.pem"]


def test_a_kept_key_is_reused_not_made_again(key_file: Path) -> None:
    first = signing.public_key()
    pem = key_file.read_bytes()
    signing._key_in.cache_clear()  # as a new process would, reading the file again

    assert signing.public_key() == first
    assert key_file.read_bytes() == pem


def test_a_key_made_with_openssl_signs_what_openssl_verifies(
    key_file: Path, tmp_path: Path
) -> None:
    """The commands docs/deploy.md gives: the key made at setup, a signature checked with
    nothing but the published public key."""
    key_file.parent.mkdir()
    _openssl("genpkey", "-algorithm", "ed25519", "-out", str(key_file))
    data = tmp_path / "counts.csv"
    data.write_bytes("\ufeff安徽省,340000,6\r\n".encode())
    (tmp_path / "counts.csv.sig").write_bytes(signing.sign(data.read_bytes()))
    (tmp_path / "public.pem").write_text(signing.public_key_pem())

    checked = _openssl(
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        str(tmp_path / "public.pem"),
        "-rawin",
        "-in",
        str(data),
        "-sigfile",
        str(tmp_path / "counts.csv.sig"),
    )

    assert "Signature Verified Successfully" in checked.stdout


def test_a_missing_key_is_refused_where_keys_are_not_made(key_file: Path, settings: Any) -> None:
    settings.MINJIAN_SIGNING_KEY_MADE_AT_FIRST_USE = False

    with pytest.raises(ImproperlyConfigured, match="MINJIAN_SIGNING_KEY_FILE"):
        signing.sign(b"counts")
    assert not key_file.exists()


def test_a_key_that_is_not_ed25519_is_refused(key_file: Path) -> None:
    key_file.parent.mkdir()
    key_file.write_bytes(
        generate_private_key(SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )

    with pytest.raises(ImproperlyConfigured, match="not an Ed25519 key"):
        signing.public_key()


def test_production_refuses_to_start_without_its_signing_key(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        env={
            "MINJIAN_PRODUCTION": "1",
            "SECRET_KEY": PRODUCTION_SECRET_KEY,
            "MINJIAN_DATA_DIR": str(tmp_path),
        },
    )

    assert result.returncode != 0
    assert "MINJIAN_SIGNING_KEY_FILE is unset or names no file" in result.stderr
    assert not (tmp_path / "signing_key.pem").exists()


def test_production_refuses_a_signing_key_file_that_is_not_there(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        env={
            "MINJIAN_PRODUCTION": "1",
            "SECRET_KEY": PRODUCTION_SECRET_KEY,
            "MINJIAN_DATA_DIR": str(tmp_path),
            "MINJIAN_SIGNING_KEY_FILE": str(tmp_path / "lost.pem"),
        },
    )

    assert result.returncode != 0
    assert "MINJIAN_SIGNING_KEY_FILE is unset or names no file" in result.stderr


def test_a_signature_checks_with_the_public_key_and_a_changed_byte_does_not(
    key_file: Path,
) -> None:
    data = "安徽省,340000,6\r\n".encode()
    signature = signing.sign(data)

    assert len(signature) == 64
    assert signing.verify(signing.public_key(), data, signature)
    assert not signing.verify(signing.public_key(), data.replace(b"6", b"9"), signature)
    assert not signing.verify(signing.public_key(), data, bytes([signature[0] ^ 1]) + signature[1:])


def test_another_key_or_a_malformed_one_matches_nothing(key_file: Path) -> None:
    data = b"counts"
    signature = signing.sign(data)
    other = Ed25519PrivateKey.generate().public_key()

    assert not signing.verify(
        other.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
        data,
        signature,
    )
    assert not signing.verify(b"short", data, signature)
    assert not signing.verify(signing.public_key(), data, signature[:63])


def test_the_key_id_and_base64url_name_the_same_public_key(key_file: Path) -> None:
    public = signing.public_key()

    assert len(signing.key_id()) == 16 and signing.key_id() == signing.key_id(public)
    assert "=" not in signing.public_key_base64url()
    assert signing.public_key_base64url() == signing.base64url(public)
    assert (
        serialization.load_pem_public_key(signing.public_key_pem().encode()).public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        == public
    )


@given(
    data=st.binary(min_size=1, max_size=200),
    position=st.integers(min_value=0),
    flip=st.integers(1, 255),
)
def test_any_changed_byte_breaks_the_signature(data: bytes, position: int, flip: int) -> None:
    signature = signing.sign(data)
    changed = bytearray(data)
    changed[position % len(changed)] ^= flip

    assert signing.verify(signing.public_key(), data, signature)
    assert not signing.verify(signing.public_key(), bytes(changed), signature)


def _openssl(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    return subprocess.run(
        ["openssl", *args], capture_output=True, text=True, check=True, timeout=30
    )
