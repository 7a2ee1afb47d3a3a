"""Near-duplicates are suggested to verifiers once a case is in the similar-case index:
the newer case of a pair as the duplicate of the older, from a configurable score on;
a rejected pair is never suggested again, a confirmed one is merged, and a case
suggested as the duplicate of a case merged meanwhile is suggested against its root."""

from __future__ import annotations

from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.cases import similarity
from minjian.cases.models import Case, DuplicateSuggestion
from minjian.cases.services_merge import (
    SUGGESTION_CANDIDATES,
    case_merge,
    duplicate_confirm,
    duplicate_reject,
    duplicates_suggest,
)
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.test_merge import make_verifier
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

STORY = (
    "怀远县城关镇的造纸厂每天夜里十一点以后通过暗管向淮河排放黑色污水，"
    "河面上漂着泡沫，附近的渔民说鱼大量死亡，岸边的味道非常难闻。"
)
RETOLD = (
    "怀远县城关镇造纸厂每天夜里十一点后通过暗管往淮河排放黑色污水，"
    "河面漂着泡沫，附近渔民说鱼大量死亡，岸边味道非常难闻。"
)
UNRELATED = "蚌埠市区一所小学门口的红绿灯坏了三天，孩子们上学过马路很危险，家长们很担心。"


@pytest.fixture
def filed(regions: dict[str, Region], django_capture_on_commit_callbacks: Any) -> dict[str, Case]:
    """Three public cases, filed one after the other, their jobs run (the index, then the
    suggestions): two tell one story, the third another."""
    cases = {}
    for name, text in (("first", STORY), ("unrelated", UNRELATED), ("retold", RETOLD)):
        with django_capture_on_commit_callbacks(execute=True):
            cases[name] = make_case(regions["340321"], title=text[:20], description=text)
    return cases


def test_a_retold_report_is_suggested_as_the_duplicate_of_the_earlier_one(
    filed: dict[str, Case],
) -> None:
    suggestion = DuplicateSuggestion.objects.get()

    assert (suggestion.case_id, suggestion.original_id) == (filed["retold"].pk, filed["first"].pk)
    assert suggestion.status == DuplicateSuggestion.Status.SUGGESTED
    assert similarity.DEFAULT_THRESHOLD <= suggestion.score <= 1


def test_a_flood_of_one_text_suggests_each_report_against_its_newest_copies(
    regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    flood = []
    for _ in range(SUGGESTION_CANDIDATES + 3):
        with django_capture_on_commit_callbacks(execute=True):
            flood.append(make_case(regions["340321"], title=STORY[:20], description=STORY))

    last, earlier = flood[-1], flood[-1 - SUGGESTION_CANDIDATES : -1]
    suggested = DuplicateSuggestion.objects.filter(case=last)
    assert sorted(suggested.values_list("original_id", flat=True)) == [case.pk for case in earlier]
    assert {suggestion.score for suggestion in suggested} == {1.0}
    assert not DuplicateSuggestion.objects.filter(original=last).exists()


def test_nothing_is_suggested_below_the_score_set(
    regions: dict[str, Region], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MINJIAN_DUPLICATE_SUGGESTION_SCORE = 1.01
    with django_capture_on_commit_callbacks(execute=True):
        make_case(regions["340321"], title=STORY[:20], description=STORY)
        make_case(regions["340321"], title=RETOLD[:20], description=RETOLD)

    assert not DuplicateSuggestion.objects.exists()


def test_a_rejected_pair_is_never_suggested_again(filed: dict[str, Case], verifier: User) -> None:
    suggestion = DuplicateSuggestion.objects.get()

    duplicate_reject(actor=verifier, suggestion_id=suggestion.pk)
    for case in filed.values():
        duplicates_suggest(case_id=case.pk)

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by_id) == ("rejected", verifier.pk)
    assert suggestion.decided_at is not None
    assert DuplicateSuggestion.objects.count() == 1


def test_a_confirmed_suggestion_merges_its_case_into_its_original(
    filed: dict[str, Case], verifier: User
) -> None:
    suggestion = DuplicateSuggestion.objects.get()

    original = duplicate_confirm(actor=verifier, suggestion_id=suggestion.pk)

    assert original.pk == filed["first"].pk
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by_id) == ("confirmed", verifier.pk)
    retold = Case.objects.get(pk=filed["retold"].pk)
    assert (retold.state, retold.duplicate_of_id) == (Case.State.HIDDEN, filed["first"].pk)


def test_merging_by_number_decides_the_suggestion_of_the_pair_too(
    filed: dict[str, Case], verifier: User
) -> None:
    case_merge(actor=verifier, case_id=filed["first"].pk, into_id=filed["retold"].pk)

    suggestion = DuplicateSuggestion.objects.get()
    assert (suggestion.status, suggestion.decided_by_id) == ("confirmed", verifier.pk)


def test_a_suggestion_against_a_case_merged_meanwhile_moves_to_its_original(
    regions: dict[str, Region], filed: dict[str, Case], verifier: User
) -> None:
    elsewhere = make_case(regions["340321"], title="另一个报告", description="河里死鱼。")
    waiting = DuplicateSuggestion.objects.create(
        case=filed["unrelated"], original=filed["retold"], score=0.6
    )

    case_merge(actor=verifier, case_id=filed["retold"].pk, into_id=elsewhere.pk)

    waiting.refresh_from_db()
    assert (waiting.case_id, waiting.original_id) == (filed["unrelated"].pk, elsewhere.pk)


@pytest.fixture
def verifier(db: Any) -> User:
    return make_verifier()[0]
