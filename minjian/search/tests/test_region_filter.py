"""The list's region filter by name, as a reader without JavaScript meets it: a name typed
in Chinese, pinyin or English is found on the server, several regions of one name are
offered as choices, and the one picked stays picked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from minjian.cases.tests.factories import make_case
from minjian.places.models import Region
from minjian.places.tests.factories import make_region, make_region_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_chengguan(regions: dict[str, Region]) -> dict[str, Region]:
    """Two districts called 城关区, one under Lanzhou and one under Lhasa, each with a case,
    besides a case in 怀远县 and one in 武昌区."""
    gansu = make_region("620000", "甘肃省", "Gansu")
    lanzhou = make_region("620100", "兰州市", "Lanzhou", parent=gansu, level=2)
    tibet = make_region("540000", "西藏自治区", "Tibet")
    lhasa = make_region("540100", "拉萨市", "Lhasa", parent=tibet, level=2)
    found = regions | {
        "620102": make_region("620102", "城关区", "Chengguan District", parent=lanzhou, level=3),
        "540102": make_region("540102", "城关区", "Chengguan District", parent=lhasa, level=3),
    }
    for code, title in [
        ("620102", "兰州城关区的问题"),
        ("540102", "拉萨城关区的问题"),
        ("340321", "怀远县的问题"),
        ("420106", "武昌区的问题"),
    ]:
        make_case(found[code], title=title)
    return found


def listed(response: Any) -> list[str]:
    return [case.title for case in response.context["page"].object_list]


@pytest.mark.usefixtures("two_chengguan")
@pytest.mark.parametrize(
    "typed", ["怀远县", "懷遠", "huaiyuan", "Huái yuǎn", "hyx", "Huaiyuan County"]
)
def test_a_region_typed_by_its_name_filters_the_list(client: Client, typed: str) -> None:
    response = client.get("/cases/", {"place": typed})
    assert response.status_code == 200
    assert listed(response) == ["怀远县的问题"]
    assert response.context["filters"].region.code == "340321"


@pytest.mark.usefixtures("two_chengguan")
def test_a_province_by_name_includes_every_place_under_it(client: Client) -> None:
    response = client.get("/cases/", {"place": "湖北"})
    assert listed(response) == ["武昌区的问题"]


@pytest.mark.usefixtures("two_chengguan")
def test_a_name_of_two_regions_offers_both_and_the_one_picked_stays(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):  # with the versions of what the stored page shows
        response = client.get("/cases/", {"place": "城关区", "topic": "environment"})
    assert response.status_code == 200
    page = response.text
    assert "城关区" in page and "兰州市" in page and "拉萨市" in page
    # Until one is picked, the list is not narrowed by a region it cannot know.
    assert len(listed(response)) == 4
    choices = re.findall(r'<a href="\?([^"]+)">城关区', page)
    assert len(choices) == 2
    assert all("topic=environment" in choice for choice in choices)

    lanzhou = next(choice for choice in choices if "region=620102" in choice)
    picked = client.get(f"/cases/?{lanzhou.replace('&amp;', '&')}")
    assert listed(picked) == ["兰州城关区的问题"]
    # The form shows the name and keeps the code beside it: sending it again with
    # another filter keeps this 城关区, not the choice again.
    assert 'name="place"' in picked.text and 'value="城关区"' in picked.text
    assert '<input type="hidden" name="region" value="620102">' in picked.text
    again = client.get("/cases/", {"place": "城关区", "region": "620102", "state": "published"})
    assert listed(again) == ["兰州城关区的问题"]
    assert "place-choices" not in again.text


@pytest.mark.usefixtures("two_chengguan")
def test_typing_another_name_over_the_chosen_region_finds_the_new_name(client: Client) -> None:
    response = client.get("/cases/", {"place": "武昌", "region": "620102"})
    assert listed(response) == ["武昌区的问题"]


@pytest.mark.usefixtures("two_chengguan")
def test_clearing_the_name_lists_every_region(client: Client) -> None:
    response = client.get("/cases/", {"place": "", "region": "620102"})
    assert response.status_code == 200
    assert response.context["filters"].region is None
    assert len(listed(response)) == 4


@pytest.mark.usefixtures("two_chengguan")
def test_a_code_typed_as_the_name_is_taken_as_the_code(client: Client) -> None:
    assert listed(client.get("/cases/", {"place": "420106"})) == ["武昌区的问题"]


@pytest.mark.usefixtures("two_chengguan")
def test_a_name_of_no_region_says_so_and_keeps_what_was_typed(client: Client) -> None:
    response = client.get("/cases/", {"place": "亚特兰蒂斯"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "No region is called “亚特兰蒂斯”." in response.text
    assert 'value="亚特兰蒂斯"' in response.text
    assert 'aria-describedby="place-error"' in response.text


@pytest.mark.usefixtures("two_chengguan")
def test_links_to_the_list_by_code_still_filter(client: Client) -> None:
    response = client.get("/cases/", {"region": "540102"})
    assert listed(response) == ["拉萨城关区的问题"]
    assert 'value="城关区"' in response.text


def test_the_map_filters_by_name_too(client: Client) -> None:
    regions = make_region_tree()
    make_case(regions["340321"], title="有位置的", latitude="32.94", longitude="117.36")
    make_case(regions["420102"], title="在武汉的", latitude="30.6", longitude="114.3")
    response = client.get("/cases/map/", {"place": "Wuhan"})
    assert [case.title for case in response.context["page"].object_list] == ["在武汉的"]
    assert response.context["counts_url"] == "/cases/map/counts.json?region=420100"
    assert response.context["features_url"] == "/cases/map/features.json?region=420100"
