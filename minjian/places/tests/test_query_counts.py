"""The API's list of regions reads a fixed number of queries however many regions it
lists. The pages and the API's region are pinned in test_views.py and test_api.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.places.models import Region
from minjian.places.tests.factories import make_region


@pytest.mark.parametrize(("query", "queries"), [({}, 1), ({"parent": "340000"}, 2)])
def test_the_api_list_of_regions_reads_a_fixed_number_of_queries(
    client: Client,
    regions: dict[str, Region],
    query: dict[str, str],
    queries: int,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(5):
        make_region(f"9{number}0000", f"省{number}")
        make_region(f"34{number + 5}000", f"市{number}", parent=regions["340000"], level=2)

    with django_assert_max_num_queries(queries):
        response = client.get("/api/v1/regions", query)

    assert response.status_code == 200
    assert len(response.json()) >= 7


def test_the_region_at_a_point_reads_two_queries(
    client: Client, bounded_regions: dict[str, Region], django_assert_num_queries: Any
) -> None:
    # Wuhan's districts overlap in their bounding boxes: several candidates are read
    # in the one query, and the chain above the region in the second.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/regions/at", {"lat": "30.55", "lng": "114.31"})

    assert response.json()["code"] == "420106"


def test_a_name_search_reads_one_query_however_many_regions_it_finds(
    client: Client, bounded_regions: dict[str, Region], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        response = client.get("/api/v1/regions", {"q": "h"})

    assert len(response.json()) == 7


def test_outlines_read_two_queries_then_one_from_the_cache(
    client: Client, bounded_regions: dict[str, Region], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):
        first = client.get("/places/outlines/3.geojson", {"within": "420000", "detail": "2"})
    with django_assert_num_queries(1):
        again = client.get("/places/outlines/3.geojson", {"within": "420000", "detail": "2"})

    assert len(first.json()["features"]) == 13
    assert again.content == first.content
