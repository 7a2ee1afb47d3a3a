"""Appending to the record what is public now and not in it yet: an instance that ran before
the record existed (and the demo) starts with a complete one (`manage.py record_backfill`).

The record sits below the apps whose content it holds, so each app registers, in its
`AppConfig.ready`, how it backfills one type of subject; `backfill_record` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from minjian.record import selectors
from minjian.record.services import subject_of

# Given the subjects of its type already in the record ("case:12"), a backfill appends the
# entries of every other public one and returns how many subjects it added.
Backfill = Callable[[Collection[str]], int]

_backfills: dict[str, Backfill] = {}


def register(subject_type: str, backfill: Backfill) -> None:
    """Backfill subjects of `subject_type` with `backfill`; registering again replaces it."""
    _backfills[subject_type] = backfill


def each_new_subject(
    subject_type: str,
    subjects: QuerySet[Any],
    known: Collection[str],
    write: Callable[[int], None],
) -> int:
    """Call `write(pk)`, in a transaction of its own, for each of `subjects` (by primary key)
    whose subject is not in the record yet (`known`); how many were written."""
    added = 0
    for pk in subjects.order_by("pk").values_list("pk", flat=True).iterator():
        if subject_of(subject_type, pk) in known:
            continue
        with transaction.atomic():
            write(pk)
        added += 1
    return added


def backfill_record() -> dict[str, int]:
    """Run every registered backfill; how many subjects each added, by subject type."""
    return {
        subject_type: backfill(selectors.subjects_in_record(subject_type))
        for subject_type, backfill in sorted(_backfills.items())
    }
