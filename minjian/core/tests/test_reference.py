"""Reference rows (topics, regions) kept in the process for a minute."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minjian.core import reference
from minjian.places.models import Region
from minjian.places.selectors import region_and_above_ids, region_with_code
from minjian.topics.models import Topic
from minjian.topics.selectors import topic_with_slug

pytestmark = pytest.mark.django_db


def reads(table: str, queries: CaptureQueriesContext) -> int:
    return sum(f'FROM "{table}"' in query["sql"] for query in queries.captured_queries)


def test_a_topic_is_read_once_then_kept() -> None:
    first = topic_with_slug("environment")

    with CaptureQueriesContext(connection) as queries:
        again = topic_with_slug(" environment ")

    assert again is first is not None
    assert reads("topics_topic", queries) == 0


def test_a_saved_topic_is_read_again_at_once() -> None:
    topic = Topic.objects.get(slug="health")
    assert topic_with_slug("health") is not None
    Topic.objects.filter(pk=topic.pk).update(name_en="Not yet seen")
    topic.name_en = "Health and care"
    topic.save()

    assert getattr(topic_with_slug("health"), "name_en", None) == "Health and care"


def test_an_unknown_slug_is_not_kept_and_a_new_topic_is_found_at_once() -> None:
    assert topic_with_slug("water") is None
    Topic.objects.bulk_create([Topic(slug="water", name_zh="水", name_en="Water", position=99)])

    assert getattr(topic_with_slug("water"), "name_en", None) == "Water"


def test_a_kept_row_is_read_again_once_its_time_has_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Kept until a second ago: passed as soon as it is kept.
    monkeypatch.setattr(reference, "KEEP_SECONDS", -1.0)
    assert topic_with_slug("labour") is not None

    with CaptureQueriesContext(connection) as queries:
        assert topic_with_slug("labour") is not None

    assert reads("topics_topic", queries) == 1


def test_a_region_and_those_above_it_are_read_once(regions: dict[str, Region]) -> None:
    county = regions["340321"]
    assert region_with_code("340321") == county
    above = region_and_above_ids(county)

    with CaptureQueriesContext(connection) as queries:
        assert region_with_code("340321") == county
        assert region_and_above_ids(county) == above

    assert sorted(above) == sorted(
        Region.objects.filter(code__in=["340000", "340300", "340321"]).values_list("id", flat=True)
    )
    assert reads("places_region", queries) == 0


def test_a_region_moved_by_a_save_is_read_again(regions: dict[str, Region]) -> None:
    county = regions["340321"]
    before = region_and_above_ids(county)
    county.path = "/340000/340321/"
    county.save()

    assert len(region_and_above_ids(county)) == len(before) - 1
