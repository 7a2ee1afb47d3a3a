"""The API's list of cases, searched or not, reads a fixed number of queries however
many cases it lists (twelve here, half with photos: a query per row would show). A
search asks for its most recent matches first, and on PostgreSQL, before that, for
the planner's estimate of how many match, and around it, turns bitmap scans off and
on. The pages are pinned in cases/tests/test_views.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region


@pytest.mark.parametrize(
    ("query", "queries"),
    # One more than the page's own: the versions of what the stored page shows. A search
    # on PostgreSQL also sets its plan (see search.selectors).
    [({}, 4), ({"q": "排污"}, 8), ({"region": "340000", "topic": "environment"}, 6)],
)
def test_the_api_list_of_cases_reads_a_fixed_number_of_queries(
    client: Client,
    regions: dict[str, Region],
    django_capture_on_commit_callbacks: Any,
    query: dict[str, str],
    queries: int,
    django_assert_max_num_queries: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(12):
            make_case(
                regions["340321"],
                title=f"造纸厂排污{number}",
                photos=[jpeg_upload()] if number % 2 else [],
            )

    with django_assert_max_num_queries(queries):
        response = client.get("/api/v1/cases", query)

    assert response.status_code == 200
    assert response.json()["count"] == 12
