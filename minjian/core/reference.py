"""Reference rows kept in each process for a minute: topics and regions, which every report
names and which change only when an operator runs a command (`load_regions`) or edits them.

A report read its topic, its region and the regions above it with three queries, a fifth of
the web's CPU time for a report under a surge (docs/benchmarks.md). Kept here, they are
read once a minute per process. A row saved or deleted through the ORM is forgotten at once
in the process that changed it; other processes read it again within `KEEP_SECONDS`. What
no row answers is never kept: a topic or region added is found at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

KEEP_SECONDS = 60.0

_every: list[ReferenceRows[Any, Any]] = []


class ReferenceRows(Generic[K, V]):
    """What `load` gives for a key, kept `KEEP_SECONDS`; forgotten whenever a row of one of
    `models` is saved or deleted in this process. Values are shared: never change them."""

    def __init__(self, load: Callable[[K], V | None], *, models: tuple[type[Model], ...]) -> None:
        self._load = load
        self._kept: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        for model in models:
            post_save.connect(self._forget_all, sender=model, weak=False)
            post_delete.connect(self._forget_all, sender=model, weak=False)
        _every.append(self)

    def get(self, key: K) -> V | None:
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        value = self._load(key)
        if value is not None:
            with self._lock:
                self._kept[key] = (now + KEEP_SECONDS, value)
        return value

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()

    def _forget_all(self, **_signal: Any) -> None:
        self.forget()


def forget_reference_rows() -> None:
    """Forget every kept reference row in this process (tests: each starts afresh)."""
    for rows in _every:
        rows.forget()
