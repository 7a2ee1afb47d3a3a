"""What routing does when a case changes: a published case goes to the inboxes, and an
acknowledgement marks the case acknowledged in its organisation's inbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minjian.cases.models import CaseEvent
from minjian.routing.jobs import route_case
from minjian.routing.services import inbox_items_acknowledge


def route_published_case(
    sender: type[CaseEvent], events: Sequence[CaseEvent], **kwargs: Any
) -> None:
    for event in events:
        if event.kind == CaseEvent.Kind.PUBLISHED:
            route_case.defer(event.case_id)


def acknowledge_in_inbox(
    sender: type[CaseEvent], events: Sequence[CaseEvent], **kwargs: Any
) -> None:
    inbox_items_acknowledge(events)
