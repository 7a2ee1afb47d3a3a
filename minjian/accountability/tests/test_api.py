"""GET /api/v1/accountability: the league table as JSON, equal to the CSV download."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from minjian.accountability.tests.timeline import event, hours, routed
from minjian.cases.models import Case, CaseEvent
from minjian.orgs.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_organisations(case: Case, agency: Organisation, ngo: Organisation) -> None:
    routed(case, agency, hours(0))
    event(case, CaseEvent.Kind.OFFICIAL_RESPONSE, hours(66), agency, note="已责令整改")
    routed(case, ngo, hours(0))


def test_the_api_gives_the_figures_of_the_csv(client: Client, two_organisations: None) -> None:
    response = client.get("/api/v1/accountability", HTTP_ACCEPT_LANGUAGE="en")
    download = client.get("/accountability/figures.csv").getvalue().decode("utf-8-sig")

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download)))
    body = response.json()
    assert [item["organisation"] for item in body] == [row["organisation"] for row in rows]
    agency = body[0]
    assert agency["name"] == "Bengbu Ecology and Environment Bureau"
    assert agency["median_first_response_seconds"] == 66 * 3600
    assert agency["rank"] is None
    for item, row in zip(body, rows, strict=True):
        for column in ("routed", "answered", "responded", "p90_first_response_seconds"):
            assert str(item[column] if item[column] is not None else "") == row[column]


def test_the_api_filters_by_kind_and_refuses_an_unknown_order(
    client: Client, two_organisations: None
) -> None:
    agencies = client.get("/api/v1/accountability?kind=agency").json()
    refused = client.get("/api/v1/accountability?sort=slowest")

    assert [item["organisation"] for item in agencies] == ["bengbu-ecology"]
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_input"
