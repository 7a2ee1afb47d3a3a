"""Mail follows the timeline: a receiver on CaseEvent defers the job for each new event."""

from __future__ import annotations

from typing import Any

from minjian.cases.models import CaseEvent
from minjian.notify import jobs, selectors


def on_case_event(
    sender: type[CaseEvent], instance: CaseEvent, created: bool, **kwargs: Any
) -> None:
    if not created:
        return
    if instance.kind == CaseEvent.Kind.ROUTED and instance.organisation_id is not None:
        jobs.mail_routed_case_to_members.defer(instance.pk)
    elif instance.kind in selectors.FOLLOWED_KINDS and not instance.internal:
        jobs.mail_update_to_followers.defer(instance.pk)
