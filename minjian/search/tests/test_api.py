"""Finding cases in the API: GET /api/v1/cases with filters and pages, errors in JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.services import case_close
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def test_list_filters_by_topic_region_with_descendants_and_state(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    in_wuhan = make_case(regions["420102"], topic="health", title="医院缺口罩")
    make_case(regions["420106"], topic="environment", title="东湖水发臭")
    make_case(regions["340321"], topic="health", title="卫生院没有医生")
    case_close(actor=staff, case_id=in_wuhan.pk)

    def ids(**query: str) -> list[str]:
        response = client.get("/api/v1/cases", query)
        assert response.status_code == 200
        return sorted(c["title"] for c in response.json()["results"])

    assert ids(region="420000") == ["东湖水发臭", "医院缺口罩"]
    assert ids(region="420100", topic="health") == ["医院缺口罩"]
    assert ids(topic="health") == ["医院缺口罩", "卫生院没有医生"]
    assert ids(state="closed") == ["医院缺口罩"]
    assert ids(region="340000", state="published") == ["卫生院没有医生"]


def test_list_is_paginated(client: Client, regions: dict[str, Region]) -> None:
    for number in range(5):
        make_case(regions["420102"], title=f"报告 {number}")
    first = client.get("/api/v1/cases", {"page_size": 2}).json()
    third = client.get("/api/v1/cases", {"page_size": 2, "page": 3}).json()
    assert first["count"] == 5 and len(first["results"]) == 2
    assert [c["title"] for c in third["results"]] == ["报告 0"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"topic": "weather"}, "unknown_topic"),
        ({"region": "1"}, "unknown_region"),
        ({"state": "submitted"}, "unknown_state"),
    ],
)
def test_list_with_unknown_filter_is_a_json_error(
    client: Client, regions: dict[str, Region], query: dict[str, str], code: str
) -> None:
    response = client.get("/api/v1/cases", query)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_page_size_over_the_limit_is_invalid_input(client: Client, db: Any) -> None:
    response = client.get("/api/v1/cases", {"page_size": 1000})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
