"""Settings come from the environment: the demo keeps its own key, production refuses to guess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MINJIAN_"))}
    clean.pop("SECRET_KEY", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_manage("check", env={"MINJIAN_PRODUCTION": "1", "MINJIAN_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_deploy_check_is_clean_in_production_mode(tmp_path: Path) -> None:
    key_file = tmp_path / "signing_key.pem"
    key_file.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "MINJIAN_PRODUCTION": "1",
            "SECRET_KEY": "k" * 20 + "-production-key-long-enough-and-random-0123456789",
            "ALLOWED_HOSTS": "minjian.example.org",
            "MINJIAN_DATA_DIR": str(tmp_path),
            "MINJIAN_SIGNING_KEY_FILE": str(key_file),
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_embedded_default_makes_its_secret_key_once_and_keeps_it(tmp_path: Path) -> None:
    code = "from config import env; print(env.secret_key())"
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    environment |= {"MINJIAN_DATA_DIR": str(tmp_path)}

    def key() -> str:
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    first, second = key(), key()
    assert len(first) >= 50 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "sqlite3"),
        ({"DATABASE_URL": "postgres://someone@db.example.org:5432/minjian"}, "postgresql"),
    ],
)
def test_database_follows_database_url(
    tmp_path: Path, variables: dict[str, str], expected: str
) -> None:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.base'; "
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    environment |= {"MINJIAN_DATA_DIR": str(tmp_path)} | variables
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert expected in output
    if expected == "sqlite3":
        assert str(tmp_path / "minjian.sqlite3") in output
