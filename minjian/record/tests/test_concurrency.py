"""Appends from many transactions at once, sealed by several sealers at once (each commit
runs one, inline, and two more run beside them), make one contiguous chain holding every
entry once.

Threads each open their own database connection: only PostgreSQL runs this; SQLite takes
one writer at a time, so there is no race to test there.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from minjian.core import signing
from minjian.core.tests.races import ROW_LOCK_RACES, all_at_once
from minjian.record import selectors
from minjian.record.canonical import GENESIS_HASH
from minjian.record.documents import checkpoint_document, entry_document
from minjian.record.services import append, instance_url, seal_record
from minjian.record.verify import verify_checkpoint, verify_entries, verify_head

pytestmark = ROW_LOCK_RACES
WRITERS = 6
APPENDS = 15


def writer(number: int) -> Callable[[], int]:
    def write() -> int:
        for step in range(APPENDS):
            with transaction.atomic():
                append(f"case:{number}", "case.event", {"writer": number, "step": step})
        return number

    return write


def test_appends_and_sealers_at_once_make_one_contiguous_chain() -> None:
    done, refused = all_at_once(
        [*(writer(number) for number in range(WRITERS)), seal_record, seal_record]
    )
    assert len(done) == WRITERS + 2 and not refused
    seal_record()

    entries = [
        entry_document(entry)
        for entry in selectors.sealed_entries(after=0, limit=WRITERS * APPENDS + 1)
    ]

    assert [entry["position"] for entry in entries] == list(range(1, WRITERS * APPENDS + 1))
    assert sorted((e["body"]["writer"], e["body"]["step"]) for e in entries) == [
        (number, step) for number in range(WRITERS) for step in range(APPENDS)
    ]
    head = verify_entries(entries, GENESIS_HASH, 1)
    checkpoint = checkpoint_document(selectors.latest_checkpoint())  # type: ignore[arg-type]  # sealed above
    verify_checkpoint(checkpoint, signing.public_key(), instance_url())
    assert checkpoint["position"] == len(entries)
    verify_head(checkpoint, head)
