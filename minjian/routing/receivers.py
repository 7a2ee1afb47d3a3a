"""What routing does when a case changes: a published case goes to the inboxes."""

from __future__ import annotations

from typing import Any

from minjian.cases.models import CaseEvent
from minjian.routing.jobs import route_case


def route_published_case(
    sender: type[CaseEvent], instance: CaseEvent, created: bool, **kwargs: Any
) -> None:
    if created and instance.kind == CaseEvent.Kind.PUBLISHED:
        route_case.defer(instance.case_id)
