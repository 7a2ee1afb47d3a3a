"""The list's filters are looked up in the full-text index, from terms of the search
document that follow the case: its state after every change, its region at every level,
its topic; and no search word can spell them."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region
from minjian.search.indexing import fill_derived_columns, index_case
from minjian.search.models import SearchDocument
from minjian.search.tests.helpers import found, public_case

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]


def filters_of(case: Case) -> str:
    return SearchDocument.objects.get(case=case).filters


def test_the_state_found_by_follows_every_change_of_state(
    regions: dict[str, Region], user: User, staff: User, committed: Committed
) -> None:
    with committed():
        case = public_case(regions["340321"], user, title="淮河排污")
    assert found("排污", state="published") == [case.pk]
    steps = [
        (services.case_acknowledge, "acknowledged"),
        (services.case_start_progress, "in_progress"),
        (services.case_resolve, "resolved"),
        (services.case_close, "closed"),
    ]
    for step, state in steps:
        with committed():
            step(actor=staff, case_id=case.pk)
        assert found("排污", state=state) == [case.pk]
        assert found("排污", state="published") == []
    assert " Sclosed " in f" {filters_of(case)} "


def test_a_case_is_found_under_its_region_at_every_level_and_its_topic(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        mill = public_case(regions["340321"], user, title="淮河排污")
        wages = public_case(regions["420102"], user, title="排污工人欠薪", topic="labour")
    for code in ("340000", "340300", "340321"):
        assert found("排污", region=code) == [mill.pk]
    assert found("排污", region="341200") == []
    assert found("排污", region="420000", topic="labour") == [wages.pk]
    assert found("排污", region="420000", topic="environment") == []
    assert filters_of(mill) == f"T{mill.topic_id} Spublished Vunverified R340000 R340300 R340321"


def test_a_hidden_case_leaves_the_index_and_a_case_published_after_review_enters_it(
    regions: dict[str, Region], staff: User, committed: Committed, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    with committed():
        case = make_case(regions["340321"], title="化工厂排放废气")
    assert found("废气", state="published") == []
    with committed():
        services.case_publish(actor=staff, case_id=case.pk)
    assert found("废气", state="published", region="340000") == [case.pk]
    with committed():
        services.case_hide(actor=staff, case_id=case.pk, reason="spam", note="")
    assert found("废气") == []
    assert not SearchDocument.objects.filter(case=case).exists()


def test_no_search_word_finds_the_filters_terms(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        case = public_case(regions["340321"], user, title="淮河排污")
    for word in (f"T{case.topic_id}", "Spublished", "published", "R340000", "r340000"):
        assert found(word) == []


def test_filling_every_document_at_once_derives_what_indexing_each_case_does(
    regions: dict[str, Region], user: User, staff: User, committed: Committed
) -> None:
    with committed():
        cases = [
            public_case(regions[code], user, title=f"排污{code}", topic=topic)
            for code, topic in (("340321", "environment"), ("420106", "labour"))
        ]
        services.case_resolve(actor=staff, case_id=cases[1].pk)
    by_case = {case.pk: filters_of(case) for case in cases}
    SearchDocument.objects.update(filters="")
    assert fill_derived_columns() == 2
    assert {case.pk: filters_of(case) for case in cases} == by_case
    assert found("排污", state="resolved", region="420100") == [cases[1].pk]
    index_case(cases[0].pk)
    assert filters_of(cases[0]) == by_case[cases[0].pk]
