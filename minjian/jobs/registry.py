"""The job decorator and the registry that workers look jobs up in by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, ParamSpec

from django.db import transaction

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
        """Run once the current transaction commits (at once outside a transaction)."""
        from minjian.jobs.backends import current_backend

        transaction.on_commit(lambda: current_backend().enqueue(self.name, args, kwargs))


def job(func: Callable[P, None]) -> Job[P]:
    registered = Job(func)
    JOBS[registered.name] = registered
    return registered
