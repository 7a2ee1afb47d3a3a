"""The database queue of the in-process backend, and the thread that runs it.

A deferred job is a `PendingJob` row written in the deferring transaction; a thread
of the web process takes due rows, runs them and deletes them. A row is taken by
an atomic UPDATE that only one process can win (several gunicorn workers share the
table), and a taken row whose process died is taken again once its lease has passed.
The worker processes run the same thread for the Redis backend's rows that its relay
did not send to Redis in time (`relay`: Redis was unreachable, or no worker ran).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from dramatiq.common import compute_backoff

from minjian.core.inserts import insert
from minjian.jobs.models import PendingJob
from minjian.jobs.registry import run_job

logger = logging.getLogger(__name__)

# How often an idle runner looks for jobs whose backoff has passed, or left by another
# process; a job deferred in this process wakes it at once.
POLL_SECONDS = 5.0
BATCH = 20
EXIT_GRACE_SECONDS = 10.0


def add_pending_job(
    name: str, args: list[Any], kwargs: dict[str, Any], due_in: timedelta = timedelta(0)
) -> PendingJob:
    job = PendingJob(name=name, args=args, kwargs=kwargs, run_after=timezone.now() + due_in)
    insert(job)
    return job


def _takeable(now: Any) -> Q:
    return Q(status=PendingJob.Status.PENDING, run_after__lte=now) & (
        Q(taken_until__isnull=True) | Q(taken_until__lt=now)
    )


def _take(pk: int) -> bool:
    now = timezone.now()
    lease = timedelta(seconds=settings.MINJIAN_JOBS_LEASE_SECONDS)
    return PendingJob.objects.filter(_takeable(now), pk=pk).update(taken_until=now + lease) == 1


def _run(pending: PendingJob) -> None:
    try:
        run_job(pending.name, pending.args, pending.kwargs)
    except Exception:
        attempts = pending.attempts + 1
        changes: dict[str, Any] = {
            "attempts": attempts,
            "last_error": traceback.format_exc(limit=30),
            "taken_until": None,
        }
        if attempts > settings.MINJIAN_JOBS_MAX_RETRIES:
            changes["status"] = PendingJob.Status.FAILED
            logger.error("Job %s (pending job %s) failed for good.", pending.name, pending.pk)
        else:
            _, delay_ms = compute_backoff(
                attempts - 1,
                factor=settings.MINJIAN_JOBS_MIN_BACKOFF_MS,
                max_backoff=settings.MINJIAN_JOBS_MAX_BACKOFF_MS,
            )
            changes["run_after"] = timezone.now() + timedelta(milliseconds=delay_ms)
            logger.warning(
                "Job %s (pending job %s) failed; retrying in %d ms.",
                pending.name,
                pending.pk,
                delay_ms,
                exc_info=True,
            )
        PendingJob.objects.filter(pk=pending.pk).update(**changes)
    else:
        PendingJob.objects.filter(pk=pending.pk).delete()


def run_due_jobs() -> int:
    """Take and run the jobs that are due now; how many were run (successfully or not)."""
    due = list(
        PendingJob.objects.filter(_takeable(timezone.now()))
        .order_by("run_after", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    ran = 0
    for pk in due:
        if _take(pk):
            _run(PendingJob.objects.get(pk=pk))
            ran += 1
    return ran


class QueueThread:
    """One daemon thread per process that does `work` until stopped: again at once while
    it finds something to do (`work` returns how much it did), else after
    `poll_seconds` or when woken."""

    def __init__(self, work: Callable[[], int], *, name: str, poll_seconds: float) -> None:
        self._work = work
        self._name = name
        self._poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._stop_at_exit_registered = False

    def ensure_started(self) -> None:
        with self._lock:
            # After a fork (gunicorn) the parent's thread does not exist in the child.
            alive = self._thread is not None and self._thread.is_alive()
            if alive and self._pid == os.getpid():
                return
            self._stopping.clear()
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
            self._thread.start()
            if not self._stop_at_exit_registered:
                # The thread is a daemon, so it never holds a process up; but a job under way
                # when the process ends (a restart, the end of a command) may finish first.
                atexit.register(self.stop, EXIT_GRACE_SECONDS)
                self._stop_at_exit_registered = True

    def wake(self) -> None:
        self.ensure_started()
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        with self._lock:
            thread = self._thread
            self._thread = None
        self._stopping.set()
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _loop(self) -> None:
        # The first pass runs what an earlier process left: nothing deferred is lost
        # when a process stops between commit and run.
        while not self._stopping.is_set():
            self._wake.clear()
            # As between requests: drop a connection that is broken or past CONN_MAX_AGE.
            close_old_connections()
            try:
                done = self._work()
            except Exception:
                # The database may be unreachable, or not migrated yet: try again later.
                logger.exception("%s could not read its queue.", self._name)
                done = 0
            if not done:
                self._wake.wait(self._poll_seconds)
        connection.close()


runner = QueueThread(run_due_jobs, name="minjian-pending-jobs", poll_seconds=POLL_SECONDS)
