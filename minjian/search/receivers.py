"""Every change to a case writes a CaseEvent: those that change what the public reads
of it ask for the case to be reindexed, once for all the events written together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minjian.cases.models import CaseEvent
from minjian.search.jobs import reindex_case

# Events that change which text of a case is public, or the state its document is
# found by (`SearchDocument.filters`), without carrying a text themselves.
DOCUMENT_KINDS = (
    CaseEvent.Kind.PUBLISHED,
    CaseEvent.Kind.HIDDEN,
    # A duplicate merged into its original is hidden: its document goes.
    CaseEvent.Kind.MERGED,
    CaseEvent.Kind.EDITED,
    CaseEvent.Kind.NOTE_RELEASED,
    CaseEvent.Kind.ACKNOWLEDGED,
    CaseEvent.Kind.IN_PROGRESS,
    CaseEvent.Kind.RESOLVED,
    CaseEvent.Kind.CLOSED,
    # The public verdict is one of the filters (`SearchDocument.filters`).
    CaseEvent.Kind.VERDICT,
)


def changes_document(event: CaseEvent) -> bool:
    """Whether the event can change the case's search document.

    Not a `routed` event, nor an internal note: publishing a case to 32 inboxes
    must not rebuild its document 32 times.
    """
    if event.kind in DOCUMENT_KINDS:
        return True
    return not event.internal and bool(event.payload.get("note"))


def reindex_on_case_events(
    sender: type[CaseEvent], events: Sequence[CaseEvent], **kwargs: Any
) -> None:
    for case_id in dict.fromkeys(event.case_id for event in events if changes_document(event)):
        reindex_case.defer(case_id)
