"""Feeds date a case by its publication, to the minute, and say nothing of what
happened before it (minjian/cases/times.py): neither an entry's date nor its id
tells when the case was sent."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.tests.moments import PublishedTogether, published_together
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def together(regions: dict[str, Region], staff: User) -> PublishedTogether:
    return published_together(regions["340321"], staff)


def read(client: Client, path: str) -> Any:
    parsed = feedparser.parse(client.get(path).content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_case_entries_carry_the_minute_and_the_day_of_publication(
    client: Client, together: PublishedTogether, settings: Any
) -> None:
    settings.MINJIAN_SITE_URL = "https://minjian.example.org"
    minute = together.published_at.replace(second=0, microsecond=0)
    feed = read(client, "/feeds/regions/340321/")
    assert len(feed.entries) == 2
    for entry in feed.entries:
        assert entry.published == minute.isoformat()
        assert entry.updated == minute.isoformat()
        assert entry.id.startswith(f"tag:minjian.example.org,{minute:%Y-%m-%d}:case/")
    assert f"{together.sent_at:%Y-%m-%d}" not in client.get("/feeds/regions/340321/").text


def test_a_case_timeline_feed_starts_at_publication(
    client: Client, together: PublishedTogether
) -> None:
    minute = together.published_at.replace(second=0, microsecond=0)
    for case in (together.anonymous, together.trusted):
        feed = read(client, f"/feeds/cases/{case.pk}/")
        assert [entry.title.split(" · ")[0] for entry in feed.entries] == ["已公开"]
        [entry] = feed.entries
        assert entry.published == minute.isoformat()
        assert entry.id.endswith(f"case/{case.pk}/2/published")
