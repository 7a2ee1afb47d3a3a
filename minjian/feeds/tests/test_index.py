"""The feeds page every footer links: a feed per topic and per province, each one answering."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from minjian.places.models import Region


def test_the_feeds_page_links_a_working_feed_per_topic_and_province(
    client: Client, regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        page = client.get("/feeds/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    feeds = re.findall(r'href="(/feeds/[^"]+/)"', page.content.decode())
    assert "/feeds/topics/environment/" in feeds and "/feeds/regions/340000/" in feeds
    assert len([feed for feed in feeds if feed.startswith("/feeds/regions/")]) == 2
    for feed in feeds:
        assert client.get(feed)["Content-Type"].startswith("application/atom+xml"), feed


def test_every_page_footer_links_the_moderation_log_the_follow_page_and_the_feeds(
    client: Client, regions: dict[str, Region]
) -> None:
    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]

    for address in ("/cases/moderation/log/", "/cases/follow/", "/feeds/"):
        assert f'href="{address}"' in footer
