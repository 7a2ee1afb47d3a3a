"""The proof-of-work challenge reads a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_the_challenge_reads_a_fixed_number_of_queries(
    client: Client, db: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(0):
        response = client.get("/altcha/challenge")

    assert response.status_code == 200
