"""Real worker processes (`manage.py run_worker`) for a test: same database, own Redis keys.

The `live_worker` fixture in the root conftest.py gives a test a `LiveWorkers`; its jobs
deferred in committed transactions go through Redis to these processes. Recovery from
a dead worker is tuned to take seconds: a heartbeat timeout of 5 s, and every queue
command looking for dead workers' jobs. Retries wait 0.2 s, doubling up to 2 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.env import BASE_DIR

STARTUP_SECONDS = 90
STOP_SECONDS = 20
TEST_JOB_MODULES = ["minjian.jobs.tests.jobs_for_tests"]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.1)


def database_url_of_test_database() -> str:
    """The URL of the database this test uses (pytest-django's test_… database)."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("worker processes need the PostgreSQL test database (the PostgreSQL run)")
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


class LiveWorkers:
    """Starts, kills and stops `run_worker` processes; all are gone after `close()`."""

    def __init__(self, settings_fixture: Any, log_dir: Path) -> None:
        if not settings.MINJIAN_JOBS_REDIS_URL:
            pytest.skip("needs Redis: set REDIS_URL (the PostgreSQL + Redis run)")
        self.namespace = f"minjian-test-{uuid.uuid4().hex}"
        self.log_dir = log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        self.processes: list[subprocess.Popen[bytes]] = []
        self.environ = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url_of_test_database(),
            "MINJIAN_JOBS_REDIS_URL": settings.MINJIAN_JOBS_REDIS_URL,
            "MINJIAN_JOBS": "redis",
            "MINJIAN_JOBS_NAMESPACE": self.namespace,
            "MINJIAN_JOBS_HEARTBEAT_TIMEOUT_MS": "5000",
            "MINJIAN_JOBS_MAINTENANCE_CHANCE": "1000000",
            "MINJIAN_JOBS_MIN_BACKOFF_MS": "200",
            "MINJIAN_JOBS_MAX_BACKOFF_MS": "2000",
            "MINJIAN_JOBS_MAX_RETRIES": "5",
            "PYTHONUNBUFFERED": "1",
        }
        # This process sends to the same queue.
        settings_fixture.MINJIAN_JOBS_BACKEND = "redis"
        settings_fixture.MINJIAN_JOBS_NAMESPACE = self.namespace

    def start(
        self, threads: int = 2, import_modules: tuple[str, ...] = ()
    ) -> subprocess.Popen[bytes]:
        """A new worker process, returned once it takes jobs. It imports every app's jobs.py,
        this app's test jobs and `import_modules` (another app's jobs made for its tests)."""
        log_path = self.log_dir / f"worker-{len(self.processes)}.log"
        modules = [
            arg for module in (*TEST_JOB_MODULES, *import_modules) for arg in ("--import", module)
        ]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "run_worker", "--threads", str(threads), *modules],
                cwd=BASE_DIR,
                env=self.environ,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        wait_until(
            lambda: "Worker ready" in log_path.read_text() or process.poll() is not None,
            "the worker to start",
            timeout=STARTUP_SECONDS,
        )
        if process.poll() is not None:
            pytest.fail(f"the worker exited at start:\n{log_path.read_text()}")
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: the process dies at once, in the middle of whatever it does."""
        process.kill()
        process.wait(STOP_SECONDS)

    def logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.log_dir.glob("worker-*.log")))

    def close(self) -> None:
        # Killed rather than stopped: quicker, and what they leave in Redis goes below.
        for process in self.processes:
            if process.poll() is None:
                process.kill()
        for process in self.processes:
            process.wait(STOP_SECONDS)
        client = redis.Redis.from_url(settings.MINJIAN_JOBS_REDIS_URL)
        keys = list(client.scan_iter(match=f"{self.namespace}:*"))
        if keys:
            client.delete(*keys)
        client.close()
