"""Every feed reads a fixed number of queries however many cases or timeline entries
it carries (five cases routed to an organisation, five entries on the timeline: a
query per entry would show)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accountability.tests.timeline import routed
from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.cases.services import case_acknowledge, case_resolve, case_start_progress
from minjian.cases.tests.factories import make_case
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region


@pytest.fixture
def cases(regions: dict[str, Region], staff: User) -> list[Case]:
    organisation = make_organisation("huai-river", verified=True)
    made = [make_case(regions["340321"], title=f"淮河排污{number}") for number in range(5)]
    for case in made:
        routed(case, organisation, case.created_at)
    for move in (case_acknowledge, case_start_progress, case_resolve):
        move(actor=staff, case_id=made[0].pk, note="进展。")
    return made


@pytest.mark.parametrize(
    ("address", "queries"),
    [
        # Each with the versions of what the stored feed shows.
        ("/feeds/topics/environment/", 4),
        ("/feeds/regions/340000/", 4),
        ("/feeds/orgs/huai-river/", 4),
    ],
)
def test_each_feed_of_cases_reads_a_fixed_number_of_queries(
    client: Client,
    cases: list[Case],
    address: str,
    queries: int,
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(queries):
        response = client.get(address)

    assert response.status_code == 200
    assert response.content.decode().count("<entry>") == 5


def test_a_case_timeline_feed_reads_a_fixed_number_of_queries(
    client: Client, cases: list[Case], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):  # with the versions of what the stored page shows
        response = client.get(f"/feeds/cases/{cases[0].pk}/")

    assert response.status_code == 200
