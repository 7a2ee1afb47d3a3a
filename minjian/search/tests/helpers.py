"""Shared steps of the search tests."""

from __future__ import annotations

from typing import Any

from minjian.accounts.models import User
from minjian.cases import services as case_services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Membership, Organisation
from minjian.places.models import Region
from minjian.search import selectors


def found(q: str, **filters: str) -> list[int]:
    """Ids of the cases a search lists, in its order, through the selector the site uses."""
    return [case.pk for case in selectors.find_cases(selectors.CaseFilters.parse(q=q, **filters))]


def public_case(region: Region, reporter: User, **fields: Any) -> Case:
    """A case reported by an established account, so published at once."""
    case = make_case(region, reporter=reporter, **fields)
    assert case.state == Case.State.PUBLISHED
    return case


# How a member of an organisation writes each kind of its notes on a timeline.
ORGANISATION_NOTES = {
    CaseEvent.Kind.PUBLIC_UPDATE: case_services.case_post_update,
    CaseEvent.Kind.INTERNAL_NOTE: case_services.case_add_internal_note,
    CaseEvent.Kind.OFFICIAL_RESPONSE: case_services.case_post_official_response,
}


def organisation_note(case: Case, organisation: Organisation, note: str, *, kind: str) -> CaseEvent:
    """What an organisation's update, internal note or official response writes on a
    timeline, written by a member of it."""
    member, _created = User.objects.get_or_create(username=f"member-of-{organisation.slug}")
    Membership.objects.get_or_create(organisation=organisation, user=member)
    return ORGANISATION_NOTES[CaseEvent.Kind(kind)](
        actor=member, organisation=organisation, case_id=case.pk, note=note
    )
