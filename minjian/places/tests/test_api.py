"""GET /api/v1/regions and /api/v1/regions/{code}."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.places.models import Region


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
