"""An address under /api/ that names no operation reads nothing: a JSON 404."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_an_unknown_api_address_reads_no_query(
    client: Client, db: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(0):
        response = client.get("/api/v2/cases")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
