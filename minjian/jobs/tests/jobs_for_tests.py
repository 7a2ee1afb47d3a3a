"""Jobs the tests defer; worker processes started by the tests import this module.

Their effect is a `JobDone` row (unique key) written through `once()`, and the ones
that must be watched from outside the process append what they do to a log file,
which survives the process being killed.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django.db import transaction

from minjian.jobs import job, once
from minjian.jobs.models import JobDone

# The longest a test job waits for the test to let it go on.
PATIENCE_SECONDS = 60


def _log(log_file: str, line: str) -> None:
    with open(log_file, "a") as log:
        log.write(f"{line}\n")


def log_lines(log_file: Path) -> list[str]:
    return log_file.read_text().splitlines() if log_file.exists() else []


def _wait_for_file(path: str) -> None:
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not Path(path).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.05)


@job
def record(key: str) -> None:
    with transaction.atomic():
        once(key)


@job
def record_slowly(key: str, seconds: float) -> None:
    time.sleep(seconds)
    with transaction.atomic():
        once(key)


@job
def record_with_pause(key: str, log_file: str, go_on_file: str, pause: str) -> None:
    """Records `key`, pausing until `go_on_file` exists: before the effect commits
    (pause="before_commit") or after it but before the job returns ("after_commit")."""
    _log(log_file, "start")
    with transaction.atomic():
        once(key)
        if pause == "before_commit":
            _log(log_file, "paused")
            _wait_for_file(go_on_file)
    if pause == "after_commit":
        _log(log_file, "paused")
        _wait_for_file(go_on_file)
    _log(log_file, "end")


@job
def fail_then_record(key: str, log_file: str, failures: int) -> None:
    """Fails the first `failures` times, then records `key`; logs each attempt's time."""
    with open(log_file, "a") as log:
        log.write(f"{time.time()}\n")
    if len(Path(log_file).read_text().splitlines()) <= failures:
        raise RuntimeError("failing on purpose")
    with transaction.atomic():
        once(key)


threads_seen: list[str] = []
release_in_process_job = threading.Event()


@job
def record_thread_when_released(key: str) -> None:
    """Records the thread it ran in, after the test sets `release_in_process_job`."""
    if not release_in_process_job.wait(PATIENCE_SECONDS):
        raise TimeoutError("the test never released the job")
    threads_seen.append(threading.current_thread().name)
    with transaction.atomic():
        once(key)


@job
def always_fail() -> None:
    raise RuntimeError("failing on purpose")


def done(key: str) -> bool:
    return JobDone.objects.filter(key=key).exists()
