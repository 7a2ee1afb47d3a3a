"""Record entries for tests: appended and sealed as the apps and the job do it."""

from __future__ import annotations

from typing import Any

from minjian.record import selectors
from minjian.record.documents import entry_document
from minjian.record.services import append, seal_record


def sealed_chain(count: int) -> list[dict[str, Any]]:
    """`count` entries appended and sealed, as the API serves them."""
    for number in range(count):
        append(
            f"case:{number + 1}", "case.published", {"id": number + 1, "title": f"河水 {number}"}
        )
    seal_record()
    return [entry_document(entry) for entry in selectors.sealed_entries(after=0, limit=count)]
