"""Real processes for the abuse tests: Minjian under gunicorn, a Redis server, and a small
HTTP client with cookies (the standard library's, so that nothing else is needed)."""

from __future__ import annotations

import functools
import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from config.env import BASE_DIR
from minjian.jobs.tests.live_worker import database_url_of_test_database

START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(condition: Callable[[], bool], what: str, timeout: float = START_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.1)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def manage(environ: dict[str, str], *args: str) -> str:
    """Run `manage.py` with `environ`; its output. Fails the test if the command fails."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def embedded_environ(data_dir: Path) -> dict[str, str]:
    """The environment of the embedded default (config.settings.base: no Redis, jobs in a
    thread of each process) on this test's database: the PostgreSQL test database in the
    PostgreSQL run, else a new SQLite file in `data_dir`, migrated."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MINJIAN_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
    }
    environ |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "MINJIAN_DATA_DIR": str(data_dir),
        # A key of its own: nothing counted by an earlier run (in Redis) is found again.
        "SECRET_KEY": os.urandom(32).hex(),
        "PYTHONUNBUFFERED": "1",
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        environ["DATABASE_URL"] = database_url_of_test_database()
    else:
        environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'minjian.sqlite3'}"
        manage(environ, "migrate", "--noinput", "-v", "0")
    return environ


@functools.cache
def collected_static_files() -> Path:
    """The static files as `collectstatic` leaves them for a deployment (hashed names and
    their manifest, which the pages' addresses are read from), made once per process.
    The large vendored bundles no page of ours refers to are left out: their compressed
    copies alone take most of a minute."""
    data_dir = Path(tempfile.mkdtemp(prefix="minjian-static-"))
    manage(
        {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("MINJIAN_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
        }
        | {"DJANGO_SETTINGS_MODULE": "config.settings.base", "MINJIAN_DATA_DIR": str(data_dir)},
        "collectstatic",
        "--noinput",
        "--verbosity=0",
        *("-i", "swagger*", "-i", "redoc*", "-i", "*-src.*", "-i", "*.esm.*"),
    )
    return data_dir / "static"


def _with_static_files(environ: dict[str, str]) -> None:
    static_root = Path(environ.get("MINJIAN_DATA_DIR", BASE_DIR / "data")) / "static"
    if not static_root.exists():
        static_root.parent.mkdir(parents=True, exist_ok=True)
        static_root.symlink_to(collected_static_files(), target_is_directory=True)


class Gunicorn:
    """`gunicorn config.wsgi` on a free port, stopped by `stop()`, with the static files a
    deployment has collected."""

    def __init__(self, environ: dict[str, str], log: Path, *options: str) -> None:
        _with_static_files(environ)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    # gunicorn 27's control socket is one path per user: not for tests.
                    "--no-control-socket",
                    *options,
                ],
                cwd=BASE_DIR,
                env=environ,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        wait_for(
            lambda: _answers(self.port) or self.process.poll() is not None, "gunicorn to listen"
        )
        if self.process.poll() is not None:
            pytest.fail(f"gunicorn exited at start:\n{log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@dataclass
class Answer:
    status: int
    text: str
    headers: dict[str, str]


class Browser:
    """An HTTP client that keeps cookies and sends Django's CSRF token with every form."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _send(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(), dict(error.headers))

    def get(self, path: str) -> Answer:
        return self._send(urllib.request.Request(self.base_url + path))

    def post(
        self, path: str, fields: dict[str, str], headers: dict[str, str] | None = None
    ) -> Answer:
        token = next((c.value for c in self.cookies if c.name == "csrftoken"), None)
        data = dict(fields)
        if token is not None:
            data["csrfmiddlewaretoken"] = token
        request = urllib.request.Request(
            self.base_url + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Accept-Language": "en", **(headers or {})},
            method="POST",
        )
        return self._send(request)


class RedisServer:
    """A `redis-server` of the test's own on a free port, without persistence, that the
    test can stop (SIGKILL: as a crash or a lost connection looks) and start again."""

    def __init__(self, workdir: Path) -> None:
        executable = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(executable).exists():
            pytest.fail("redis-server is missing: it is a Debian package (redis-server)")
        self.executable = executable
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _answers(self.port), "redis-server to listen", timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None
        wait_for(lambda: not _answers(self.port), "redis-server to stop", timeout=20)
