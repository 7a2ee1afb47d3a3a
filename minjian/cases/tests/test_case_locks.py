"""A case locked for a change (`locked_cases()`) holds back other changes of the
case, never rows that merely refer to it: in a surge of reports, a job worker starved of
the CPU while it held a case made the next worker's commit (its foreign key's check)
wait, and every report behind that one.

Threads each open their own database connection: only PostgreSQL has row locks to race.
"""

from __future__ import annotations

from minjian.cases.models import CaseEvent, locked_cases
from minjian.cases.tests.factories import make_case
from minjian.core.tests.races import ROW_LOCK_RACES, commits_while_locked
from minjian.places.models import Region

pytestmark = ROW_LOCK_RACES


def test_a_locked_case_does_not_hold_back_rows_that_refer_to_it(
    regions: dict[str, Region],
) -> None:
    case = make_case(regions["340321"])

    assert commits_while_locked(
        lambda: locked_cases().get(pk=case.pk),
        lambda: CaseEvent.objects.create(
            case_id=case.pk, kind=CaseEvent.Kind.ADDED_BY_WITNESS, payload={}
        ),
    )
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ADDED_BY_WITNESS).exists()


def test_a_locked_case_holds_back_another_change_of_it(regions: dict[str, Region]) -> None:
    case = make_case(regions["340321"])

    # Long enough for the other to reach its lock and be seen waiting for it.
    assert not commits_while_locked(
        lambda: locked_cases().get(pk=case.pk),
        lambda: locked_cases().get(pk=case.pk),
        patience=0.5,
    )
