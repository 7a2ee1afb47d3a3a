"""Every change to a case writes a CaseEvent: those that change what the public reads
of it ask for the case to be reindexed."""

from __future__ import annotations

from typing import Any

from minjian.cases.models import CaseEvent
from minjian.search.jobs import reindex_case

# Events that change which text of a case is public without carrying a text themselves.
VISIBILITY_KINDS = (
    CaseEvent.Kind.PUBLISHED,
    CaseEvent.Kind.HIDDEN,
    CaseEvent.Kind.EDITED,
    CaseEvent.Kind.NOTE_RELEASED,
)


def changes_public_text(event: CaseEvent) -> bool:
    """Whether the event can change the case's search document.

    Not a `routed` event, nor an internal note: publishing a case to 32 inboxes
    must not rebuild its document 32 times.
    """
    if event.kind in VISIBILITY_KINDS:
        return True
    return not event.internal and bool(event.payload.get("note"))


def reindex_on_case_event(
    sender: type[CaseEvent], instance: CaseEvent, created: bool, **kwargs: Any
) -> None:
    if created and changes_public_text(instance):
        reindex_case.defer(instance.case_id)
