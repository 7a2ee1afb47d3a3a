"""Actions run at the same moment, in threads that each open their own database
connection, so that the rows they lock are really contended (PostgreSQL's row locks;
SQLite takes one writer at a time)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connections

from minjian.core.errors import DomainError


def all_at_once(actions: Sequence[Callable[[], object]]) -> tuple[list[object], list[DomainError]]:
    """Run each of `actions` in its thread, all released together: what those that were
    done returned, and the refusals of the others."""
    barrier = threading.Barrier(len(actions))
    done: list[object] = []
    refused: list[DomainError] = []
    lock = threading.Lock()

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            result = action()
            with lock:
                done.append(result)
        except DomainError as error:
            with lock:
                refused.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, refused
