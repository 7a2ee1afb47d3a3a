"""Hand-built timelines for the accountability tests.

The tests write CaseEvent rows directly, with explicit times, on cases made by
`make_case`, and announce them as `cases.services` does (`case_events_written`), so
that the facts the figures read are kept as they are for every service's events.
This is what lets a test say "routed at 08:00, answered 66 hours later". That the
routing app's services write these same events is proven by the lead's browser test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from minjian.cases.models import Case, CaseEvent
from minjian.cases.signals import case_events_written
from minjian.orgs.models import Organisation

# A Sunday morning in Beijing.
START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)


def hours(count: float) -> datetime:
    return START + timedelta(hours=count)


def event(
    case: Case,
    kind: str,
    when: datetime,
    organisation: Organisation | None = None,
    *,
    internal: bool = False,
    **payload: Any,
) -> CaseEvent:
    written = CaseEvent.objects.create(
        case=case,
        kind=kind,
        created_at=when,
        organisation=organisation,
        internal=internal,
        payload=payload,
    )
    case_events_written.send(sender=CaseEvent, events=[written])
    return written


def routed(case: Case, organisation: Organisation, when: datetime) -> CaseEvent:
    return event(case, CaseEvent.Kind.ROUTED, when, organisation)
