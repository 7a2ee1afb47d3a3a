"""Where deferred jobs run, chosen by MINJIAN_JOBS_BACKEND (config/env.py: MINJIAN_JOBS).

- "redis": sent to a Redis queue after commit; `manage.py run_worker` processes run them.
- "in-process": a `PendingJob` row written in the deferring transaction, run after commit
  by a thread of this process (the embedded default: no Redis, no worker to run).
- "inline": run at once after commit, in the committing thread (tests).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from minjian.jobs import pending, redis_queue
from minjian.jobs.models import PendingJob
from minjian.jobs.registry import run_job

logger = logging.getLogger(__name__)

# Longer than any commit-to-send takes: until then the Redis backend's copy of a job
# in the database is the sender's, not yet the worker's to run.
SEND_GRACE = timedelta(minutes=1)


class Backend(Protocol):
    def defer(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> None: ...


class InlineBackend:
    """Runs each job after commit in the committing thread: deterministic, for tests."""

    def defer(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        transaction.on_commit(lambda: run_job(name, args, kwargs))


class InProcessBackend:
    """Queues the job in the database with the work that asked for it; a thread runs it."""

    def defer(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        pending.add_pending_job(name, args, kwargs)
        transaction.on_commit(pending.runner.wake)


class RedisBackend:
    """Sends the job to the Redis queue once the transaction has committed.

    The job is also written to the database queue in the deferring transaction, due only
    after `SEND_GRACE`, and that row is deleted once Redis has the job. If the process
    dies between the commit and the send, or Redis cannot be reached then, the row stays
    and the worker processes' database thread runs it: a committed job is never lost.
    """

    def defer(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        row = pending.add_pending_job(name, args, kwargs, due_in=SEND_GRACE)
        transaction.on_commit(lambda: self._send(row.pk, name, args, kwargs))

    @staticmethod
    def _send(row_pk: int, name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        try:
            redis_queue.send(name, args, kwargs)
        except RedisError:
            logger.warning("Redis unreachable: job %s left in the database queue.", name)
            PendingJob.objects.filter(pk=row_pk).update(run_after=timezone.now())
        else:
            _forget_sent(row_pk)


def _forget_sent(row_pk: int) -> None:
    """Delete the database's copy of a job that Redis now has.

    On PostgreSQL the deletion commits without waiting for the disk (asynchronous
    commit): should the database crash before it reaches the disk, the copy comes back
    and the job runs a second time after SEND_GRACE, which every job allows, as they
    run at least once anyway (a worker killed during a job runs it again). Waiting for
    the disk would cost each request one flush (4 ms here) per job it defers.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        # `_raw_delete`: a job row has no related rows to collect nor signals to send.
        PendingJob.objects.filter(pk=row_pk)._raw_delete(PendingJob.objects.db)


BACKENDS: dict[str, type[Backend]] = {
    "inline": InlineBackend,
    "in-process": InProcessBackend,
    "redis": RedisBackend,
}


def current_backend() -> Backend:
    try:
        return BACKENDS[settings.MINJIAN_JOBS_BACKEND]()
    except KeyError:
        raise ImproperlyConfigured(
            f"MINJIAN_JOBS is {settings.MINJIAN_JOBS_BACKEND!r}; use one of {', '.join(BACKENDS)}."
        ) from None
