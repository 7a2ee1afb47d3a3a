"""Other instances for the mirror tests, on loopback: a real Minjian instance (gunicorn on
a SQLite database of its own, its data folder and signing key in the test's folder) that
can be stopped and started again, and a lying one: a small HTTP server passing on a real
instance's answers with its record changed."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from config.env import BASE_DIR
from minjian.abuse.tests.processes import free_port, manage, wait_for

SCRIPT = "minjian.mirrors.tests.source_script"


def _environ(data_dir: Path, port: int) -> dict[str, str]:
    """The embedded default's settings on a data folder of its own: its SQLite database,
    media, secret and signing key; jobs run at once in the committing process."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MINJIAN_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
    }
    return environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "MINJIAN_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'minjian.sqlite3'}",
        "MINJIAN_SITE_URL": f"http://127.0.0.1:{port}",
        "MINJIAN_JOBS": "inline",
        "PYTHONUNBUFFERED": "1",
    }


@functools.cache
def migrated_template() -> Path:
    """A data folder migrated and set up once per test process (`source_script.set_up`),
    which each source instance copies."""
    data_dir = Path(tempfile.mkdtemp(prefix="minjian-mirror-source-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    environ = _environ(data_dir, free_port())
    manage(environ, "migrate", "--noinput", "-v", "0")
    manage(environ, "shell", "-c", f"from {SCRIPT} import set_up; set_up()")
    return data_dir


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class SourceInstance:
    """Minjian as another instance would run it, on a copy of the migrated template."""

    def __init__(self, folder: Path) -> None:
        self.data_dir = folder / "source"
        shutil.copytree(migrated_template(), self.data_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.environ = _environ(self.data_dir, self.port)
        self.log = folder / "source.log"
        self.process: subprocess.Popen[bytes] | None = None

    def run(self, call: str) -> dict[str, Any]:
        """Runs `call` of source_script in the instance (a process of its own, as an
        operator's command would); what it printed."""
        output = manage(self.environ, "shell", "-c", f"from {SCRIPT} import *; {call}")
        result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
        return result

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--no-control-socket",
                ],
                cwd=BASE_DIR,
                env=self.environ,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = self.process
        wait_for(
            lambda: _listening(self.port) or process.poll() is not None, "the source to listen"
        )
        if process.poll() is not None:
            raise RuntimeError(f"the source exited at start:\n{self.log.read_text()}")

    def stop(self) -> None:
        """Gone at once, as a server switched off: SIGKILL to its process group."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(20)
        self.process = None
        wait_for(lambda: not _listening(self.port), "the source to stop", timeout=20)


Tamper = Callable[[dict[str, Any]], dict[str, Any]]


class RelayedSource:
    """An HTTP server on loopback that passes every request on to a real instance and
    answers what it answered, except that the record's pages go through `tamper` (set
    by the test; None passes them on as they are). `paths` are the paths asked, in order."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.tamper: Tamper | None = None
        self.paths: list[str] = []
        lying = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                status, content_type, data = lying.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # http.server's name
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str) -> tuple[int, str, bytes]:
        self.paths.append(path)
        try:
            with urllib.request.urlopen(self.upstream + path.lstrip("/"), timeout=30) as response:
                status, content_type, data = (
                    response.status,
                    response.headers.get("Content-Type", ""),
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read()
        if path.startswith("/api/v1/record/entries") and self.tamper is not None:
            data = json.dumps(self.tamper(json.loads(data))).encode()
        return status, content_type, data

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def record_pages_asked(self) -> list[str]:
        return [path for path in self.paths if path.startswith("/api/v1/record/entries")]
