"""Shared steps of the search tests."""

from __future__ import annotations

from typing import Any

from minjian.accounts.models import User
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Organisation
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


def organisation_note(
    case: Case, organisation: Organisation, note: str, *, kind: str, internal: bool = False
) -> CaseEvent:
    """What an organisation's update (public or internal) writes on a timeline."""
    return CaseEvent.objects.create(
        case=case, kind=kind, organisation=organisation, internal=internal, payload={"note": note}
    )
