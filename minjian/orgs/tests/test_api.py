"""/api/v1/organisations as an API client meets it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.tests.factories import make_user
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations"


@pytest.fixture
def directory(regions: dict[str, Region]) -> None:
    make_organisation(
        "bengbu-water",
        name_zh="蚌埠水卫士",
        name_en="Bengbu Water Guardians",
        description="We test the water.",
        regions=["340300"],
        topics=["environment", "health"],
        admins=[make_user("water-admin")],
        members=[make_user("water-member")],
        contact_email="water@example.org",
        verified=True,
    )
    make_organisation("huaiyuan-kids", kind="informal", regions=["340321"], topics=["education"])
    make_organisation("wuhan-health", regions=["420100"], topics=["health"])
    make_organisation("bengbu-epb", kind="agency", regions=["340300"], verified=True)


def slugs(response: Any) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


@pytest.mark.usefixtures("directory")
def test_list_returns_a_page_of_organisations(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (4, 1, 20)
    water = body["results"][1]
    assert water == {
        "slug": "bengbu-water",
        "kind": "ngo",
        "name_zh": "蚌埠水卫士",
        "name_en": "Bengbu Water Guardians",
        "description": "We test the water.",
        "topics": [
            {"slug": "environment", "name_zh": "环境", "name_en": "Environment"},
            {"slug": "health", "name_zh": "健康", "name_en": "Health"},
        ],
        "regions": [{"code": "340300", "name_zh": "蚌埠市", "name_en": "Bengbu"}],
        "contact": {"email": "water@example.org", "url": "", "note": ""},
        "verified": True,
        "verified_at": water["verified_at"],
        "member_count": 2,
        "created_at": water["created_at"],
        "profile_url": "/orgs/bengbu-water/",
    }
    assert water["verified_at"] is not None


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "agency"}, ["bengbu-epb"]),
        ({"topic": "health"}, ["bengbu-water", "wuhan-health"]),
        ({"region": "340000"}, ["bengbu-epb", "bengbu-water", "huaiyuan-kids"]),
        ({"region": "340300", "verified": "true"}, ["bengbu-epb", "bengbu-water"]),
        ({"verified": "false"}, ["huaiyuan-kids", "wuhan-health"]),
    ],
)
def test_list_filters(client: Client, query: dict[str, str], expected: list[str]) -> None:
    response = client.get(URL, query)

    assert response.status_code == 200
    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.usefixtures("directory")
def test_list_pages(client: Client) -> None:
    first = client.get(URL, {"page_size": 3}).json()
    second = client.get(URL, {"page_size": 3, "page": 2}).json()
    beyond = client.get(URL, {"page_size": 3, "page": 9}).json()

    assert [o["slug"] for o in first["results"] + second["results"]] == [
        "bengbu-epb",
        "bengbu-water",
        "huaiyuan-kids",
        "wuhan-health",
    ]
    assert (second["count"], second["page"], second["page_size"]) == (4, 2, 3)
    assert (beyond["count"], beyond["results"]) == (4, [])


@pytest.mark.parametrize(
    "query",
    [{"page_size": "101"}, {"page_size": "0"}, {"page": "0"}, {"kind": "church"}],
)
def test_out_of_range_paging_or_kind_is_refused(client: Client, query: dict[str, str]) -> None:
    response = client.get(URL, query)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert [f["field"] for f in body["details"]["fields"]] == list(query)


@pytest.mark.parametrize(
    ("query", "code"),
    [({"topic": "astrology"}, "unknown_topic"), ({"region": "999999"}, "unknown_region")],
)
def test_an_unknown_topic_or_region_is_refused(
    client: Client, regions: dict[str, Region], query: dict[str, str], code: str
) -> None:
    response = client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["details"] == {"field": next(iter(query))}
    assert body["message"].startswith("There is no such")


@pytest.mark.usefixtures("directory")
def test_detail_includes_members_by_pseudonym(client: Client) -> None:
    response = client.get(f"{URL}/bengbu-water")

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "bengbu-water"
    assert body["members"] == [
        {"pseudonym": "water-admin", "role": "admin"},
        {"pseudonym": "water-member", "role": "member"},
    ]


def test_detail_of_an_unknown_slug_is_a_json_404(client: Client) -> None:
    response = client.get(f"{URL}/nobody-here", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert body["message"] == "没有使用这个地址的组织。"


def test_the_published_schema_describes_the_responses(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    listing = schema["paths"]["/api/v1/organisations"]["get"]
    detail = schema["paths"]["/api/v1/organisations/{slug}"]["get"]
    assert {"200", "400", "422"} <= set(listing["responses"])
    assert "404" in detail["responses"]
    assert "List organisations" in listing["description"]
    parameters = {p["name"] for p in listing["parameters"]}
    assert parameters == {"kind", "topic", "region", "verified", "page", "page_size"}
    components = schema["components"]["schemas"]
    page_fields = set(components["OrganisationPage"]["properties"])
    assert page_fields == {"count", "page", "page_size", "results"}
    detail_fields = set(components["OrganisationDetailOut"]["properties"])
    assert {"members", "slug", "contact", "verified"} <= detail_fields
