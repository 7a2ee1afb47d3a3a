"""The map's choropleth: public cases counted per province or prefecture under the list's
filters, in a fixed number of queries however many cases there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.services import case_close, case_hide
from minjian.cases.tests.factories import make_case
from minjian.core.reference import forget_reference_rows
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

COUNTS = "/cases/map/counts.json"


@pytest.fixture
def spread(regions: dict[str, Region], staff: User, committed: Any) -> None:
    """Five cases in Huaiyuan (Anhui), one placed only in Anhui as a whole, three in
    Wuhan's districts (one of them closed), and one hidden there."""
    with committed():
        for number in range(5):
            make_case(regions["340321"], title=f"淮河排污{number}")
        make_case(regions["340000"], title="全省的问题", topic="housing-land")
        make_case(regions["420102"], title="江岸区排污")
        make_case(regions["420106"], title="武昌区道路", topic="housing-land")
        closed = make_case(regions["420106"], title="武昌区已解决的排污")
        case_close(actor=staff, case_id=closed.pk)
        hidden = make_case(regions["420102"], title="被隐藏的排污")
        case_hide(actor=staff, case_id=hidden.pk, reason="spam")


@pytest.mark.usefixtures("spread")
def test_public_cases_are_counted_per_province_in_two_queries(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        response = client.get(COUNTS, {"level": "1"})
    assert response.status_code == 200
    assert response.json() == {"level": 1, "total": 9, "counts": {"340000": 6, "420000": 3}}


@pytest.mark.usefixtures("spread")
def test_prefectures_count_the_cases_placed_in_them_or_under_them(client: Client) -> None:
    response = client.get(COUNTS, {"level": "2"})
    # The case placed in Anhui as a whole lies in no prefecture, but counts in the total.
    assert response.json() == {"level": 2, "total": 9, "counts": {"340300": 5, "420100": 3}}


@pytest.mark.usefixtures("spread")
@pytest.mark.parametrize(
    ("filters", "counts", "queries"),
    [
        ({"topic": "housing-land"}, {"340000": 1, "420000": 1}, 3),
        ({"state": "closed"}, {"420000": 1}, 2),
        ({"q": "排污"}, {"340000": 5, "420000": 2}, 2),
        ({"region": "420000", "q": "排污", "topic": "environment"}, {"420000": 2}, 4),
    ],
)
def test_the_counts_follow_the_filters_of_the_list(
    client: Client,
    django_assert_num_queries: Any,
    filters: dict[str, str],
    counts: dict[str, int],
    queries: int,
) -> None:
    # Counted as a worker's first request reads them: topics and regions not yet kept.
    forget_reference_rows()
    with django_assert_num_queries(queries):
        response = client.get(COUNTS, {"level": "1", **filters})
    assert response.json()["counts"] == counts
    assert response.json()["total"] == sum(counts.values())


@pytest.mark.usefixtures("spread")
def test_counts_are_kept_a_while_so_that_the_next_map_reads_no_case(
    client: Client, regions: dict[str, Region], django_assert_num_queries: Any
) -> None:
    first = client.get(COUNTS, {"level": "1"}).json()
    make_case(regions["420102"], title="刚发布的")
    with django_assert_num_queries(0):
        again = client.get(COUNTS, {"level": "1"})
    # The colours catch up within COUNTS_CACHE_SECONDS; other filters are counted apart.
    assert again.json() == first
    assert client.get(COUNTS, {"level": "2"}).json()["counts"]["420100"] == 4


def test_counting_reads_no_more_queries_with_more_cases(
    client: Client, regions: dict[str, Region], django_assert_num_queries: Any
) -> None:
    for code in ("340321", "340000", "420102", "420106") * 5:
        make_case(regions[code])
    with django_assert_num_queries(2):
        response = client.get(COUNTS, {"level": "2", "topic": ""})
    assert response.json()["counts"] == {"340300": 5, "420100": 10}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"level": "3"}, "unknown_level"),
        ({"level": "x"}, "unknown_level"),
        ({"level": "1", "topic": "weather"}, "unknown_topic"),
        ({"level": "1", "q": "淮" * 201}, "query_too_long"),
    ],
)
def test_a_refused_count_says_why_in_json(
    client: Client, regions: dict[str, Region], query: dict[str, str], code: str
) -> None:
    response = client.get(COUNTS, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"]
