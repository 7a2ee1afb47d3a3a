"""Where deferred jobs run: in this process now (tests), in-process threads, or Redis."""

from __future__ import annotations

from typing import Any

from minjian.jobs.registry import JOBS


class InlineBackend:
    """Runs each job at once, in the committing thread: deterministic, for tests."""

    def enqueue(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        JOBS[name](*args, **kwargs)


def current_backend() -> InlineBackend:
    return InlineBackend()
