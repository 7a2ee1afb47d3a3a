"""Record entries for tests: appended and sealed as the apps and the job do it, and read as a
mirror reads them."""

from __future__ import annotations

from typing import Any

from minjian.record import selectors
from minjian.record.canonical import GENESIS_HASH
from minjian.record.documents import entry_document
from minjian.record.services import append, seal_record
from minjian.record.verify import verify_entries


def sealed_chain(count: int) -> list[dict[str, Any]]:
    """`count` entries appended and sealed, as the API serves them."""
    for number in range(count):
        append(
            f"case:{number + 1}", "case.published", {"id": number + 1, "title": f"河水 {number}"}
        )
    seal_record()
    return [entry_document(entry) for entry in selectors.sealed_entries(after=0, limit=count)]


def sealed_record(subject_type: str = "") -> list[dict[str, Any]]:
    """The record sealed (as the job would have by now), verified from its start, as the API
    serves it: the entries of `subject_type` ("case"), or all of them."""
    seal_record()
    entries = [entry_document(e) for e in selectors.sealed_entries(after=0, limit=1000)]
    verify_entries(entries, GENESIS_HASH, 1)
    return [entry for entry in entries if entry["subject"].startswith(f"{subject_type}:")]
