"""Every Open311 answer to a GET reads a fixed number of queries however many requests
and services it lists (five cases here: a query per row would show)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.open311.tests.conftest import ROOT
from minjian.places.models import Region


@pytest.fixture
def cases(regions: dict[str, Region]) -> list[Case]:
    return [make_case(regions["340321"], title=f"河边垃圾{number}") for number in range(5)]


@pytest.mark.parametrize(
    ("address", "queries"),
    [
        (f"{ROOT}/discovery.json", 0),
        (f"{ROOT}/services.json", 1),
        (f"{ROOT}/services.xml", 1),
        (f"{ROOT}/services/environment.json", 1),
        # With the versions of what the stored answer shows.
        (f"{ROOT}/requests.json", 4),
        (f"{ROOT}/requests.xml", 4),
    ],
)
def test_each_answer_reads_a_fixed_number_of_queries(
    client: Client,
    cases: list[Case],
    address: str,
    queries: int,
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(queries):
        response = client.get(address)

    assert response.status_code == 200


def test_one_request_reads_a_fixed_number_of_queries(
    client: Client, cases: list[Case], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        response = client.get(f"{ROOT}/requests/{cases[0].pk}.json")

    assert response.status_code == 200


def test_a_token_lookup_reads_a_fixed_number_of_queries(
    client: Client,
    regions: dict[str, Region],
    api_key: str,
    settings: Any,
    django_assert_max_num_queries: Any,
) -> None:
    # A request waiting for a moderator is answered with a token, not yet with an id.
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    posted = client.post(
        f"{ROOT}/requests.json",
        {
            "api_key": api_key,
            "service_code": "environment",
            "description": "河边堆满垃圾",
            "attribute[region]": "340321",
        },
    )
    [answer] = posted.json()

    with django_assert_max_num_queries(1):
        response = client.get(f"{ROOT}/tokens/{answer['token']}.json")

    assert response.status_code == 200
