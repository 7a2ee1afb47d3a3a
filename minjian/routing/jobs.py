"""Background work of routing: delivering a published case to the inboxes that want it."""

from __future__ import annotations

from minjian.jobs import job
from minjian.routing import services


@job
def route_case(case_id: int) -> None:
    """Deliver a published case to the inboxes that want it (idempotent:
    `services.case_route_to_subscribers`)."""
    services.case_route_to_subscribers(case_id=case_id)
