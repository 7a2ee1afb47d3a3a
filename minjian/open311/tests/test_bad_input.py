"""Open311 refuses bad ids and dates with the spec's error list, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.open311.models import Open311Request
from minjian.open311.tests.conftest import as_json
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw", ["99999999999999999999", "²", "1,²", "0"])
def test_a_service_request_id_that_names_no_row_is_refused(client: Client, raw: str) -> None:
    status, body = as_json(client, "requests", service_request_id=raw)
    assert status == 400
    assert body[0]["code"] == 400


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("end_date", "0001-01-01T00:00:00Z"),
        ("start_date", "9999-12-31T00:00:00Z"),
        ("start_date", "0001-01-01T00:00:00+05:00"),
        ("end_date", "9999-12-31T23:59:59-05:00"),
    ],
)
def test_dates_out_of_range_are_refused(client: Client, field: str, raw: str) -> None:
    status, body = as_json(client, "requests", **{field: raw})
    assert status == 400
    assert field in body[0]["description"]


def test_a_nul_in_a_filter_is_removed(client: Client, regions: dict[str, Region]) -> None:
    make_case(regions["340321"])
    status, body = as_json(client, "requests", service_code="environment\x00")
    assert status == 200
    assert len(body) == 1


def test_a_nul_in_a_posted_description_is_removed(
    client: Client, regions: dict[str, Region], api_key: str
) -> None:
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": "environment",
            "description": "夜里\x00排黑水\x1b",
            "attribute[region]": "340321",
        },
    )
    assert response.status_code == 201, response.content
    assert Open311Request.objects.get().case.description == "夜里排黑水"


def test_an_xml_answer_carries_no_control_character(
    client: Client, regions: dict[str, Region]
) -> None:
    case = make_case(regions["340321"])
    Case.objects.filter(pk=case.pk).update(description="黑水\x0c\x1f")
    response = client.get("/open311/v2/requests.xml")
    assert response.status_code == 200
    assert b"\x0c" not in response.content and b"\x1f" not in response.content
    assert "黑水" in response.content.decode()


def test_case_ids_beyond_64_bits_are_no_request(client: Client, regions: Any) -> None:
    assert client.get("/open311/v2/requests/9999999999999999999999.json").status_code == 404
