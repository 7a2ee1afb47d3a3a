"""Mail follows the timeline: for each new case event, the mail it calls for is deferred."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minjian.cases.models import CaseEvent
from minjian.notify import jobs, selectors


def mail_on_case_events(
    sender: type[CaseEvent], events: Sequence[CaseEvent], **kwargs: Any
) -> None:
    for event in events:
        if event.kind == CaseEvent.Kind.ROUTED and event.organisation_id is not None:
            jobs.mail_routed_case_to_members.defer(event.pk)
        elif event.kind in selectors.FOLLOWED_KINDS and not event.internal:
            jobs.mail_update_to_followers.defer(event.pk)
