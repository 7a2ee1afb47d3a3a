"""The API's topic reads a fixed number of queries. The list is pinned in test_api.py."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_the_api_topic_reads_a_fixed_number_of_queries(
    client: Client, db: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/topics/environment")

    assert response.status_code == 200
