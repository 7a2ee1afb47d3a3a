"""The reads that pages, forms and the API make of the tree."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from minjian.core.errors import NotFound
from minjian.places import selectors
from minjian.places.models import Region
from minjian.places.tests.factories import make_region


@pytest.fixture
def xiantao(regions: dict[str, Region]) -> Region:
    """A county that hangs directly under its province, as 仙桃市 does under Hubei."""
    return make_region("429004", "仙桃市", "Xiantao City", parent=regions["420000"], level=3)


def test_a_region_is_found_by_its_code(regions: dict[str, Region]) -> None:
    assert selectors.region_by_code(" 420102 ") == regions["420102"]


def test_an_unknown_code_is_not_found(regions: dict[str, Region]) -> None:
    with pytest.raises(NotFound) as refused:
        selectors.region_by_code("999999")

    assert (refused.value.code, refused.value.status) == ("unknown_region", 404)


def test_a_region_with_descendants_covers_every_depth(regions: dict[str, Region]) -> None:
    codes = set(selectors.region_with_descendants(regions["420000"]).values_list("code", flat=True))

    assert codes == {"420000", "420100", "420102", "420106"}


def test_ancestors_run_from_the_province_down(regions: dict[str, Region]) -> None:
    assert selectors.region_ancestors(regions["420102"]) == [regions["420000"], regions["420100"]]
    assert selectors.region_ancestors(regions["420000"]) == []


def test_children_say_whether_they_have_children_of_their_own(
    regions: dict[str, Region], xiantao: Region
) -> None:
    children = selectors.region_children(regions["420000"])

    assert [(c.code, c.has_children) for c in children] == [  # type: ignore[attr-defined]  # an annotation of the query
        ("420100", True),
        ("429004", False),
    ]


def test_report_choices_group_prefectures_and_direct_counties_by_province(
    regions: dict[str, Region], xiantao: Region, django_assert_num_queries: Any
) -> None:
    with translation.override("en"), django_assert_num_queries(1):
        choices = selectors.report_region_choices()

    assert choices == [
        ("Anhui", [("340000", "All of Anhui"), ("340300", "Bengbu"), ("341200", "Fuyang")]),
        (
            "Hubei",
            [("420000", "All of Hubei"), ("420100", "Wuhan"), ("429004", "Xiantao City")],
        ),
    ]


def test_report_choices_follow_the_active_language(regions: dict[str, Region]) -> None:
    with translation.override("zh-hans"):
        choices = selectors.report_region_choices()

    assert choices[1][0] == "湖北省"
    assert choices[1][1][:2] == [("420000", "湖北省全境"), ("420100", "武汉市")]


def test_refinement_offers_the_region_itself_then_its_children(
    regions: dict[str, Region],
) -> None:
    with translation.override("en"):
        choices = selectors.region_refinement_choices("420100")

    assert choices == [
        ("420100", "All of Wuhan"),
        ("420102", "Jiang'an District"),
        ("420106", "Wuchang District"),
    ]


def test_refinement_is_empty_where_nothing_lies_under_the_region(
    regions: dict[str, Region],
) -> None:
    assert selectors.region_refinement_choices("341200") == []
    assert selectors.region_refinement_choices("420102") == []


def test_refinement_of_an_unknown_region_is_refused(db: Any) -> None:
    with pytest.raises(NotFound):
        selectors.region_refinement_choices("nowhere")


def test_top_level_regions_can_be_limited_to_a_country(regions: dict[str, Region]) -> None:
    make_region("FR-IDF", "Île-de-France")
    Region.objects.filter(code="FR-IDF").update(country="FR")

    assert [r.code for r in selectors.top_level_regions("fr")] == ["FR-IDF"]
    assert [r.code for r in selectors.top_level_regions()] == ["340000", "420000", "FR-IDF"]
