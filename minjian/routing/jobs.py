"""Background work of routing: delivering a published case to the inboxes that want it."""

from __future__ import annotations

from django.db import transaction

from minjian.cases.models import Case
from minjian.jobs import job
from minjian.routing import selectors
from minjian.routing.delivery import deliver


@job
def route_case(case_id: int) -> None:
    """Put a public case in the inbox of every verified organisation subscribed to
    its topic (or all topics) in its region, a region above it, or everywhere.

    Safe to run again: organisations that already have the case are skipped, and
    the inbox's unique constraint refuses a second row even from a concurrent run.
    A case hidden (or not yet published) by the time this runs goes nowhere.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not case.is_public:
            return
        deliver(case, selectors.subscribed_organisation_ids(case))
