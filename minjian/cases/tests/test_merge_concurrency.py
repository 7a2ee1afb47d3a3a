"""Merges decided at the same moment never cross: of A into B and B into A, one is made
and the other refused; of one suggestion confirmed twice, one merge; an addition by the
reporter of a case being merged lands on one case, whole.

Threads each open their own database connection, so the rows are really contended:
only PostgreSQL runs this; SQLite takes one writer at a time and locks the whole
database, so there is no row-level race to test there.
"""

from __future__ import annotations

from functools import partial

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent, DuplicateSuggestion
from minjian.cases.services_merge import case_merge, duplicate_confirm
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.test_merge import make_verifier
from minjian.core.tests.races import ROW_LOCK_RACES, all_at_once
from minjian.places.models import Region

pytestmark = ROW_LOCK_RACES
ROUNDS = 5


def verifiers() -> tuple[User, User]:
    return (
        make_verifier("checker-a", slug="checkers-a")[0],
        make_verifier("checker-b", slug="checkers-b")[0],
    )


def test_crossing_merges_at_the_same_moment_make_one_merge(regions: dict[str, Region]) -> None:
    first, second = verifiers()
    for _round in range(ROUNDS):
        a = make_case(regions["340321"], title="淮河排污")
        b = make_case(regions["340321"], title="淮河又排污")

        done, refused = all_at_once(
            [
                partial(case_merge, actor=first, case_id=a.pk, into_id=b.pk),
                partial(case_merge, actor=second, case_id=b.pk, into_id=a.pk),
            ]
        )

        assert len(done) == 1 and len(refused) == 1
        assert refused[0].code in {"merge_cycle", "already_merged"}
        cases = {case.pk: case for case in Case.objects.filter(pk__in=(a.pk, b.pk))}
        merged = [case for case in cases.values() if case.state == Case.State.HIDDEN]
        assert len(merged) == 1
        (duplicate,) = merged
        original = cases[a.pk if duplicate.pk == b.pk else b.pk]
        assert original.is_public and duplicate.duplicate_of_id == original.pk
        assert CaseEvent.objects.filter(kind=CaseEvent.Kind.MERGED, case=duplicate).count() == 1
        assert CaseEvent.objects.filter(kind=CaseEvent.Kind.MERGED_IN, case=original).count() == 1


def test_one_suggestion_confirmed_twice_at_once_merges_once(regions: dict[str, Region]) -> None:
    first, second = verifiers()
    original = make_case(regions["340321"], title="淮河排污")
    duplicate = make_case(regions["340321"], title="淮河又排污")
    # Suggested already by the job that followed the second report (they are alike).
    suggestion, _made = DuplicateSuggestion.objects.get_or_create(
        case=duplicate, original=original, defaults={"score": 0.9}
    )

    done, refused = all_at_once(
        [
            lambda: duplicate_confirm(actor=first, suggestion_id=suggestion.pk),
            lambda: duplicate_confirm(actor=second, suggestion_id=suggestion.pk),
        ]
    )

    assert len(done) == 1 and [error.code for error in refused] == ["suggestion_decided"]
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.MERGED).count() == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.MERGED_IN).count() == 1


def test_an_addition_while_its_case_is_merged_lands_whole_on_one_case(
    regions: dict[str, Region],
) -> None:
    verifier, _other = verifiers()
    for number in range(ROUNDS):
        original = make_case(regions["340321"], title="淮河排污")
        duplicate = make_case(regions["340321"], title="淮河又排污")

        done, refused = all_at_once(
            [
                partial(case_merge, actor=verifier, case_id=duplicate.pk, into_id=original.pk),
                partial(
                    services.case_add_by_reporter, case=duplicate, actor=None, text=f"补充{number}"
                ),
            ]
        )

        additions = list(
            CaseEvent.objects.filter(
                kind=CaseEvent.Kind.ADDED_BY_REPORTER, payload__note=f"补充{number}"
            )
        )
        assert len(done) + len(refused) == 2
        if refused:
            # Merged between her reading the case and writing to it: sent again, it
            # joins the original.
            assert [error.code for error in refused] == ["case_changed"] and not additions
            continue
        (addition,) = additions
        if addition.case_id == original.pk:
            assert addition.payload["merged_from"] == duplicate.pk
        else:
            assert addition.case_id == duplicate.pk and "merged_from" not in addition.payload
