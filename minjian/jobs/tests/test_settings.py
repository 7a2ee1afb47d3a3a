"""Which backend runs jobs, as the environment decides."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import BASE_DIR
from minjian.core.tests.test_settings import run_manage


def backend_chosen(**environment: str) -> str:
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MINJIAN_", "DJANGO_")) and name != "REDIS_URL"
    }
    result = subprocess.run(
        [sys.executable, "-c", "from config import env; print(env.JOBS_BACKEND)"],
        cwd=BASE_DIR,
        env=clean | environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("environment", "backend"),
    [
        ({}, "in-process"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "redis"),
        ({"MINJIAN_JOBS_REDIS_URL": "redis://127.0.0.1:6379/1"}, "redis"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0", "MINJIAN_JOBS": "in-process"}, "in-process"),
    ],
)
def test_jobs_use_redis_when_there_is_one_and_the_database_otherwise(
    environment: dict[str, str], backend: str
) -> None:
    assert backend_chosen(**environment) == backend


def test_production_refuses_to_run_jobs_inside_requests(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        env={
            "MINJIAN_PRODUCTION": "1",
            "SECRET_KEY": "k" * 20 + "-production-key-long-enough-and-random-0123456789",
            "MINJIAN_DATA_DIR": str(tmp_path),
            "MINJIAN_JOBS": "inline",
        },
    )
    assert result.returncode != 0
    assert "MINJIAN_JOBS=inline" in result.stderr
