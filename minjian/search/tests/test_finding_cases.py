"""Search finds public cases by their words in Chinese (either script) and English,
ranked, combined with the list filters; the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import CaseEvent
from minjian.core.errors import DomainError
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region
from minjian.search.models import SearchDocument
from minjian.search.tests.helpers import found, organisation_note, public_case

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]


def test_a_traditional_query_finds_simplified_text_and_the_reverse(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        simplified = public_case(
            regions["340321"], user, title="淮河污染严重", description="工厂排放废水。"
        )
        traditional = public_case(
            regions["340321"], user, title="河邊的化工廠", description="淮河汙染，廢水直排。"
        )
        public_case(regions["340321"], user, title="学校漏雨", description="校舍无人维修。")
    assert found("淮河汙染") == [simplified.pk, traditional.pk]
    assert found("淮河污染") == [simplified.pk, traditional.pk]
    assert found("化工廠") == [traditional.pk]
    assert found("化工厂") == [traditional.pk]
    assert found("廢水") == found("废水")
    assert set(found("废水")) == {simplified.pk, traditional.pk}


def test_english_words_are_found_in_any_case(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        mill = public_case(
            regions["340321"],
            user,
            title="The Paper Mill pollutes the river",
            description="Black WATER at night.",
        )
        public_case(regions["340321"], user, title="Unpaid wages", description="Six months.")
    assert found("paper mill") == [mill.pk]
    assert found("RIVER Water") == [mill.pk]
    assert found("ｗａｔｅｒ") == [mill.pk]
    # Every word must match.
    assert found("paper wages") == []


def test_a_match_in_the_title_ranks_above_the_description_and_the_updates(
    regions: dict[str, Region], user: User, staff: User, committed: Committed
) -> None:
    agency = make_organisation("county-eco", kind="agency", verified=True)
    with committed():
        in_update = public_case(
            regions["340321"], user, title="村口有异味", description="晚上更加明显。"
        )
        organisation_note(
            in_update, agency, "已查明是养猪场排污。", kind=CaseEvent.Kind.PUBLIC_UPDATE
        )
        older_in_description = public_case(
            regions["340321"], user, title="河水变黑", description="造纸厂夜里排污。"
        )
        in_title = public_case(
            regions["340321"], user, title="造纸厂排污", description="每天夜里都有。"
        )
        newer_in_description = public_case(
            regions["340321"], user, title="河水变黑", description="造纸厂夜里排污。"
        )
        for number in range(4):
            public_case(regions["340321"], user, title=f"路灯坏了{number}", description="没人修。")
    # Equal matches go to the most recently reported.
    assert found("排污") == [
        in_title.pk,
        newer_in_description.pk,
        older_in_description.pk,
        in_update.pk,
    ]


def test_search_combines_with_topic_region_and_state(
    regions: dict[str, Region], user: User, staff: User, committed: Committed
) -> None:
    with committed():
        guzhen = public_case(regions["340321"], user, title="淮河排污", description="夜里排。")
        fuyang = public_case(regions["341200"], user, title="淮河排污", description="白天排。")
        wuhan = public_case(regions["420102"], user, title="长江排污", description="一直排。")
        labour = public_case(
            regions["340321"], user, title="排污工人欠薪", description="工资。", topic="labour"
        )
        services.case_acknowledge(actor=staff, case_id=fuyang.pk)
    assert set(found("排污")) == {guzhen.pk, fuyang.pk, wuhan.pk, labour.pk}
    assert set(found("排污", region="340000")) == {guzhen.pk, fuyang.pk, labour.pk}
    assert found("排污", region="340000", topic="environment", state="published") == [guzhen.pk]
    assert found("排污", state="acknowledged") == [fuyang.pk]
    assert found("淮河", region="420000") == []


def test_an_empty_search_lists_every_case_and_a_long_one_is_refused(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        first = public_case(regions["340321"], user, title="淮河排污")
        second = public_case(regions["340321"], user, title="学校漏雨")
    assert found("") == [second.pk, first.pk]
    assert found(" ，。！") == [second.pk, first.pk]
    with pytest.raises(DomainError) as refused:
        found("淮" * 201)
    assert refused.value.code == "query_too_long"
    assert refused.value.field == "q"


def test_rebuilding_the_index_finds_the_same_cases(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        case = public_case(regions["340321"], user, title="淮河排污")
    SearchDocument.objects.all().delete()
    assert found("排污") == []
    call_command("rebuild_search_index", stdout=StringIO())
    assert found("排污") == [case.pk]


def test_a_word_is_found_where_segmentation_cut_across_it(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        case = public_case(regions["340321"], user, title="造纸厂夜间向河里直排污水")
    assert found("污水") == [case.pk]
    assert found("汙水 造紙廠") == [case.pk]
