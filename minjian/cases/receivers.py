"""How the cases app reacts to its own events: the similar-case index follows every
event that can change a case's public text or whether it is public, once for all the
events written together, in a job after the commit (the request that writes them only
defers it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minjian.cases.jobs import update_case_fingerprint
from minjian.cases.models import Case, CaseEvent

# Events that change a case's title or description, or take it out of the public states.
FINGERPRINT_KINDS = (
    CaseEvent.Kind.PUBLISHED,
    CaseEvent.Kind.EDITED,
    CaseEvent.Kind.HIDDEN,
    CaseEvent.Kind.MERGED,
)


def changes_fingerprint(event: CaseEvent) -> bool:
    """Whether the event can change the case's entry in the similar-case index: one of
    the kinds above, or any move into or out of the public states (every move carries
    `from` and `to`). Not a move between public states, a routing or a note."""
    if event.kind in FINGERPRINT_KINDS:
        return True
    moved_from, moved_to = event.payload.get("from"), event.payload.get("to")
    if moved_from is None or moved_to is None:
        return False
    return (moved_from in Case.PUBLIC_STATES) != (moved_to in Case.PUBLIC_STATES)


def fingerprint_on_case_events(
    sender: type[CaseEvent], events: Sequence[CaseEvent], **kwargs: Any
) -> None:
    for case_id in dict.fromkeys(event.case_id for event in events if changes_fingerprint(event)):
        update_case_fingerprint.defer(case_id)
