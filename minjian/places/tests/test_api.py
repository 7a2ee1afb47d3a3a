"""GET /api/v1/regions and /api/v1/regions/{code}."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.places.models import Region
from minjian.places.tests.factories import make_region


@pytest.fixture
def client() -> Client:
    return OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="en")


def response_schema(client: Client, path: str) -> dict[str, Any]:
    """The published OpenAPI schema of the 200 response of GET `path`."""
    document = client.get("/api/v1/openapi.json").json()
    schema: dict[str, Any] = document["paths"][path]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    components: dict[str, Any] = document["components"]["schemas"]
    reference: str = schema.get("items", schema)["$ref"]
    component: dict[str, Any] = components[reference.rsplit("/", 1)[-1]]
    return component


def test_without_a_parent_the_provinces_are_listed(
    client: Client, regions: dict[str, Region]
) -> None:
    response = client.get("/api/v1/regions")

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "340000",
            "name": "Anhui",
            "name_zh": "安徽省",
            "name_en": "Anhui",
            "level": 1,
            "country": "CN",
            "parent": None,
            "parent_name": None,
            "has_children": True,
        },
        {
            "code": "420000",
            "name": "Hubei",
            "name_zh": "湖北省",
            "name_en": "Hubei",
            "level": 1,
            "country": "CN",
            "parent": None,
            "parent_name": None,
            "has_children": True,
        },
    ]
    assert set(response.json()[0]) == set(response_schema(client, "/api/v1/regions")["required"])


def test_with_a_parent_its_children_are_listed(client: Client, regions: dict[str, Region]) -> None:
    response = client.get("/api/v1/regions", {"parent": "420100"})

    assert [(r["code"], r["parent"], r["has_children"]) for r in response.json()] == [
        ("420102", "420100", False),
        ("420106", "420100", False),
    ]


def test_names_follow_the_language_of_the_request(regions: dict[str, Region]) -> None:
    response = OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get(
        "/api/v1/regions", {"parent": "340000"}
    )

    assert [r["name"] for r in response.json()] == ["蚌埠市", "阜阳市"]


def test_the_province_list_can_be_limited_to_a_country(
    client: Client, regions: dict[str, Region]
) -> None:
    assert client.get("/api/v1/regions", {"country": "FR"}).json() == []


def test_an_unknown_parent_is_a_json_404(client: Client, regions: dict[str, Region]) -> None:
    response = client.get("/api/v1/regions", {"parent": "999999"})

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_region"
    assert response.json()["message"] == "There is no region with the code 999999."


def test_a_region_comes_with_its_ancestors_and_children(
    client: Client, regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/regions/420100")

    assert response.status_code == 200
    body = response.json()
    assert body["region"]["code"] == "420100"
    assert body["region"]["name"] == "Wuhan"
    assert body["region"]["has_children"] is True
    assert [a["code"] for a in body["ancestors"]] == ["420000"]
    assert [c["code"] for c in body["children"]] == ["420102", "420106"]
    assert set(body) == set(response_schema(client, "/api/v1/regions/{code}")["required"])


def test_a_county_has_the_whole_chain_above_it(client: Client, regions: dict[str, Region]) -> None:
    body = client.get("/api/v1/regions/420102").json()

    assert [a["code"] for a in body["ancestors"]] == ["420000", "420100"]
    assert body["region"]["parent"] == "420100"
    assert body["children"] == []


def test_an_unknown_region_is_a_json_404_in_the_request_language(
    regions: dict[str, Region],
) -> None:
    response = OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/v1/regions/999999")

    assert response.status_code == 404
    assert response.json() == {
        "code": "unknown_region",
        "message": "没有代码为 999999 的地区。",
        "details": {},
    }


def test_the_region_at_a_point_comes_with_its_path_from_the_province(
    client: Client, bounded_regions: dict[str, Region]
) -> None:
    response = client.get("/api/v1/regions/at", {"lat": "32.97", "lng": "117.2"})

    assert response.status_code == 200
    assert response.json() == {
        "code": "340321",
        "name": "Huaiyuan County",
        "level": 3,
        "path": [
            {"code": "340000", "name": "Anhui"},
            {"code": "340300", "name": "Bengbu"},
            {"code": "340321", "name": "Huaiyuan County"},
        ],
    }


def test_the_region_at_a_point_is_named_in_the_request_language(
    bounded_regions: dict[str, Region],
) -> None:
    response = OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get(
        "/api/v1/regions/at", {"lat": "30.5467", "lng": "114.3023"}
    )

    assert [place["name"] for place in response.json()["path"]] == ["湖北省", "武汉市", "武昌区"]


def test_a_point_in_no_region_is_a_json_404(
    client: Client, bounded_regions: dict[str, Region]
) -> None:
    response = client.get("/api/v1/regions/at", {"lat": "30", "lng": "125"})

    assert response.status_code == 404
    assert response.json() == {
        "code": "no_region_here",
        "message": "No region's boundary holds the point 30.0, 125.0.",
        "details": {},
    }


@pytest.mark.parametrize(
    "query",
    [{"lat": "91", "lng": "117"}, {"lat": "32", "lng": "-181"}, {"lat": "north", "lng": "117"}, {}],
)
def test_a_point_out_of_range_is_refused(
    client: Client, regions: dict[str, Region], query: dict[str, str]
) -> None:
    response = client.get("/api/v1/regions/at", query)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


@pytest.mark.parametrize(
    "typed",
    ["怀远县", "怀远", "懷遠", "huaiyuan", "Huái yuǎn", "huai2yuan3", "hyx", "Huaiyuan County"],
)
def test_a_region_is_found_by_its_name_as_typed(
    client: Client, bounded_regions: dict[str, Region], typed: str
) -> None:
    response = client.get("/api/v1/regions", {"q": typed})

    assert response.status_code == 200
    [found] = response.json()
    assert (found["code"], found["parent"], found["parent_name"]) == ("340321", "340300", "Bengbu")


def test_whole_names_come_before_names_that_start_so(
    client: Client, bounded_regions: dict[str, Region]
) -> None:
    # A prefecture whose name starts as the county's does: prefectures come before
    # counties, but a whole name before a start.
    make_region(
        "420200", "汉阳区新城", "Hanyang New Town", parent=bounded_regions["420000"], level=2
    )

    codes = [r["code"] for r in client.get("/api/v1/regions", {"q": "汉阳区"}).json()]

    assert codes == ["420105", "420200"]


def test_two_regions_of_one_name_are_told_apart_by_their_parents(
    regions: dict[str, Region],
) -> None:
    make_region("620102", "城关区", "Chengguan District", parent=regions["420100"], level=3)
    lanzhou = make_region("620100", "兰州市", "Lanzhou", parent=regions["420000"], level=2)
    make_region("620103", "城关区", "Chengguan District", parent=lanzhou, level=3)

    response = OpenAPICheckingClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get(
        "/api/v1/regions", {"q": "城关区"}
    )

    assert [(r["name"], r["parent_name"]) for r in response.json()] == [
        ("城关区", "武汉市"),
        ("城关区", "兰州市"),
    ]


def test_a_name_search_can_be_kept_under_a_region_and_finds_at_most_twenty(
    client: Client, regions: dict[str, Region]
) -> None:
    for number in range(25):
        make_region(f"4201{number + 50}", f"新区{number}", parent=regions["420100"], level=3)

    assert len(client.get("/api/v1/regions", {"q": "xinqu"}).json()) == 20
    assert client.get("/api/v1/regions", {"q": "xinqu", "parent": "340000"}).json() == []
    assert client.get("/api/v1/regions", {"q": "wuhan", "parent": "420000"}).json()[0]["code"] == (
        "420100"
    )


def test_a_name_search_that_finds_nothing_is_an_empty_list(
    client: Client, regions: dict[str, Region]
) -> None:
    assert client.get("/api/v1/regions", {"q": "paris"}).json() == []
    assert client.get("/api/v1/regions", {"q": "  '-- "}).json() == []
