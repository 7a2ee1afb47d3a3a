"""Actions run at the same moment, in threads that each open their own database
connection, so that the rows they lock are really contended (PostgreSQL's row locks;
SQLite takes one writer at a time)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections, transaction

from minjian.core.errors import DomainError

# The marks of a module whose tests race row locks: in transactions of their own, on
# PostgreSQL only (SQLite takes one writer at a time; conftest skips them there).
ROW_LOCK_RACES = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


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


# Far longer than a commit takes; reached only if the writer waits for the lock's holder.
PATIENCE_SECONDS = 10


def commits_while_locked(
    lock: Callable[[], object],
    write: Callable[[], object],
    *,
    patience: float = PATIENCE_SECONDS,
) -> bool:
    """Whether `write`, in a transaction of its own, commits while another transaction
    holds what `lock` locks (each in its thread and connection); the holder lets go
    after `patience` seconds at most."""
    locked = threading.Event()
    written = threading.Event()

    def hold() -> bool:
        try:
            with transaction.atomic():
                lock()
                locked.set()
                return written.wait(patience)
        finally:
            connections.close_all()

    def commit_a_write() -> None:
        try:
            assert locked.wait(PATIENCE_SECONDS)
            with transaction.atomic():
                write()
            written.set()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        holder = pool.submit(hold)
        writer = pool.submit(commit_a_write)
        writer.result()
        return holder.result()
