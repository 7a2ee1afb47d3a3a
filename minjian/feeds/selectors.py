"""What the feeds list: public cases by topic, region or organisation, and one timeline."""

from __future__ import annotations

from django.db.models import QuerySet

from minjian.cases.models import Case, CaseEvent
from minjian.cases.selectors import public_case_list
from minjian.orgs.models import Organisation

# A feed reader polls often: the latest entries are enough.
FEED_LENGTH = 50


def cases_routed_to(organisation: Organisation) -> QuerySet[Case]:
    """Public cases that landed in the organisation's inbox (a `routed` event for it)."""
    routed = CaseEvent.objects.filter(kind=CaseEvent.Kind.ROUTED, organisation=organisation).values(
        "case_id"
    )
    return public_case_list().filter(pk__in=routed)
