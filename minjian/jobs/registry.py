"""The job decorator and the registry that workers look jobs up in by name."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Generic, ParamSpec

P = ParamSpec("P")
JOBS: dict[str, Job[Any]] = {}


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
        from minjian.jobs.backends import current_backend

        as_sent: tuple[list[Any], dict[str, Any]] = json.loads(json.dumps([args, kwargs]))
        current_backend().defer(self.name, *as_sent)


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
