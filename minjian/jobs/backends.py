"""Where deferred jobs run, chosen by MINJIAN_JOBS_BACKEND (config/env.py: MINJIAN_JOBS).

- "redis": a `PendingJob` row written in the deferring transaction, relayed to a Redis
  queue by the worker processes (`relay`); `manage.py run_worker` processes run them.
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
from django.db import transaction

from minjian.jobs import pending
from minjian.jobs.registry import run_job

logger = logging.getLogger(__name__)

# Longer than the relay takes to send a committed job while Redis answers: until then
# the Redis backend's row of a job is the relay's to send, not yet the database thread's
# to run.
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
    """Writes the job to the database outbox in the deferring transaction; the worker
    processes' relay sends it to the Redis queue after the commit (`relay`).

    The row is due only after `SEND_GRACE`: until then it is the relay's to send. If no
    relay has sent it by then (no worker runs, or Redis was unreachable), the worker
    processes' database thread runs it from the database: a committed job is never lost.
    """

    def defer(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        pending.add_pending_job(name, args, kwargs, due_in=SEND_GRACE)


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
