"""A case locked for a change (`locked_cases()`) holds back other changes of the
case, never rows that merely refer to it: in a surge of reports, a job worker starved of
the CPU while it held a case made the next worker's commit (its foreign key's check)
wait, and every report behind that one.

Threads each open their own database connection: only PostgreSQL has row locks to race.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from minjian.cases.models import CaseEvent, locked_cases
from minjian.cases.tests.factories import make_case
from minjian.core.tests.races import PATIENCE_SECONDS, commits_while_locked
from minjian.places.models import Region

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks only race on PostgreSQL; SQLite serialises writers",
    ),
]


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
    locked = threading.Event()
    order: list[str] = []

    def hold_the_case() -> None:
        try:
            with transaction.atomic():
                locked_cases().get(pk=case.pk)
                locked.set()
                # Long enough for the other to reach its lock and wait for it.
                threading.Event().wait(0.5)
                order.append("first released")
        finally:
            connections.close_all()

    def lock_it_too() -> None:
        try:
            assert locked.wait(PATIENCE_SECONDS)
            with transaction.atomic():
                locked_cases().get(pk=case.pk)
                order.append("second locked")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(hold_the_case), pool.submit(lock_it_too)]:
            done.result()
    assert order == ["first released", "second locked"]
