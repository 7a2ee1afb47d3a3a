"""The job decorator and the registry that workers look jobs up in by name; jobs
deferred together.

One action often defers several jobs: a published report one for each app that reacts
to it (search, similar cases, routing). Deferred alone, each costs the request an
outbox row, and the workers a message to relay to Redis and one to take: under a surge
of reports, most of the messages the workers handle. Inside `deferred_together()` the
jobs deferred are collected and, as it ends (still inside the caller's transaction),
deferred as one job, `run_together`, which runs each in turn. One that fails there is
deferred again on its own, so that it is retried with its own backoff while the others
are done; one that succeeded runs again only if the worker dies during the batch, which
every job allows.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, ParamSpec

P = ParamSpec("P")
JOBS: dict[str, Job[Any]] = {}
# A job as it travels: its name, its positional and its keyword arguments (JSON values).
Deferred = tuple[str, list[Any], dict[str, Any]]

logger = logging.getLogger(__name__)
_collected = threading.local()


class Job(Generic[P]):
    def __init__(self, func: Callable[P, None]) -> None:
        self.func = func
        self.name = f"{func.__module__}.{func.__qualname__}"
        self.__doc__ = func.__doc__

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Run now, in this process (what a worker does)."""
        self.func(*args, **kwargs)

    def defer(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Run once the current transaction commits (at once outside a transaction).

        The arguments travel as JSON, in every backend, so that a test running jobs
        inline sees what a worker process would: a tuple arrives as a list, and a
        value JSON cannot carry fails here rather than in production.
        """
        as_sent: tuple[list[Any], dict[str, Any]] = json.loads(json.dumps([args, kwargs]))
        collecting: list[Deferred] | None = getattr(_collected, "jobs", None)
        if collecting is not None:
            collecting.append((self.name, *as_sent))
        else:
            _defer(self.name, *as_sent)


def job(func: Callable[P, None]) -> Job[P]:
    registered = Job(func)
    if registered.name in JOBS:
        raise ValueError(f"A job named {registered.name!r} is already registered.")
    JOBS[registered.name] = registered
    return registered


def run_job(name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    """Run a registered job by name: what every backend finally calls."""
    try:
        registered = JOBS[name]
    except KeyError:
        raise LookupError(
            f"No job named {name!r}: is its module an installed app's jobs.py?"
        ) from None
    registered(*args, **kwargs)


@contextmanager
def deferred_together() -> Iterator[None]:
    """Defer the jobs deferred inside as one (see the module's docstring). Use it where
    nothing inside can roll back alone (no savepoint that is caught): a job it collected
    would be deferred even though the work that asked for it was undone. Nested, the
    outermost one defers them all; an exception inside defers none of them."""
    if getattr(_collected, "jobs", None) is not None:
        yield
        return
    _collected.jobs = []
    try:
        yield
        collected: list[Deferred] = _collected.jobs
    finally:
        _collected.jobs = None
    if len(collected) == 1:
        _defer(*collected[0])
    elif collected:
        _defer(run_together.name, [[list(deferred) for deferred in collected]], {})


@job
def run_together(jobs: list[list[Any]]) -> None:
    """Run jobs deferred together, in the order they were deferred; defer again on its
    own each one that fails, for its own retries."""
    for name, args, kwargs in jobs:
        try:
            run_job(name, args, kwargs)
        except Exception:
            logger.warning("Job %s failed in a batch; deferred again alone.", name, exc_info=True)
            _defer(name, args, kwargs)


def jobs_in(name: str, args: list[Any], kwargs: dict[str, Any]) -> list[Deferred]:
    """The jobs a deferred job stands for: those of a batch (`run_together`), or itself."""
    if name == run_together.name:
        return [(inner, inner_args, inner_kwargs) for inner, inner_args, inner_kwargs in args[0]]
    return [(name, args, kwargs)]


def _defer(name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    from minjian.jobs.backends import current_backend

    current_backend().defer(name, args, kwargs)
