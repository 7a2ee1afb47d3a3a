"""The report form and the API under the abuse controls: a rate limit shared by both,
and the proof of work for reporters without an account (the API is exempt)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from minjian.abuse.tests.proof import solved_payload
from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

HOUR = 3600
FORM = {
    "title": "村口的桥断了",
    "description": "上周暴雨以后桥面塌了一半，孩子们每天绕行两公里上学。",
    "topic": "public-safety",
    "region": "340321",
}


@pytest.fixture
def two_reports_an_hour(settings: Any) -> None:
    settings.MINJIAN_RATE_LIMITS = {**settings.MINJIAN_RATE_LIMITS, "case_report": (2, HOUR)}


def _report(client: Client, **extra: str) -> Any:
    return client.post("/cases/report/", {**FORM, **extra}, HTTP_ACCEPT_LANGUAGE="en")


def test_an_anonymous_report_with_a_solved_challenge_is_taken(
    client: Client, regions: dict[str, Region]
) -> None:
    response = _report(client, altcha=solved_payload(client))

    assert response.status_code == 303
    assert Case.objects.count() == 1


def test_an_anonymous_report_with_a_wrong_solution_is_refused_and_kept_in_the_form(
    client: Client, regions: dict[str, Region]
) -> None:
    response = _report(client, altcha="bm90IGEgc29sdXRpb24=")

    assert response.status_code == 400
    assert "The anti-spam check of this form did not succeed" in response.text
    assert FORM["description"] in response.text
    assert Case.objects.count() == 0


def test_without_javascript_an_anonymous_report_is_still_taken_a_few_times(
    client: Client, regions: dict[str, Region], settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {
        **settings.MINJIAN_RATE_LIMITS,
        "proof_of_work_skipped": (1, HOUR),
    }
    assert _report(client).status_code == 303

    refused = _report(client)

    assert refused.status_code == 429
    assert "Turn JavaScript on, or try again in" in refused.text
    assert int(refused["Retry-After"]) > 0
    assert Case.objects.count() == 1


def test_the_report_form_asks_only_anonymous_reporters_for_the_proof_of_work(
    client: Client, regions: dict[str, Region], user: User
) -> None:
    assert "data-proof-of-work" in client.get("/cases/report/").text
    client.force_login(user)
    assert "data-proof-of-work" not in client.get("/cases/report/").text
    assert _report(client).status_code == 303


def test_too_many_reports_from_one_client_are_refused_with_the_form_kept(
    client: Client, regions: dict[str, Region], two_reports_an_hour: None
) -> None:
    for _ in range(2):
        assert _report(client, altcha=solved_payload(client)).status_code == 303

    refused = _report(client, altcha=solved_payload(client))

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= HOUR
    assert "Too many attempts in a short time. Try again in" in refused.text
    assert FORM["description"] in refused.text
    assert Case.objects.count() == 2
    # Another client is not affected.
    other = OpenAPICheckingClient(REMOTE_ADDR="198.51.100.1")
    assert _report(other, altcha=solved_payload(other)).status_code == 303


def test_the_api_needs_no_proof_of_work_and_refuses_too_many_reports_in_json(
    client: Client, regions: dict[str, Region], two_reports_an_hour: None
) -> None:
    # Early in the hour's window, so that the wait is said in minutes.
    with time_machine.travel(datetime(2026, 12, 5, 9, 5, tzinfo=UTC)):
        for _ in range(2):
            assert client.post("/api/v1/cases", FORM).status_code == 201

        refused = client.post("/api/v1/cases", FORM, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rate_limited"
    assert "分钟后再试" in body["message"]
    assert 0 < body["details"]["retry_after"] <= HOUR
    assert refused["Retry-After"] == str(body["details"]["retry_after"])
    assert Case.objects.count() == 2


def test_the_web_form_and_the_api_share_one_count(
    client: Client, regions: dict[str, Region], two_reports_an_hour: None
) -> None:
    assert client.post("/api/v1/cases", FORM).status_code == 201
    assert _report(client, altcha=solved_payload(client)).status_code == 303

    assert client.post("/api/v1/cases", FORM).status_code == 429
