"""What a feed carries is text: control characters stored in a case never break a
feed, and a summary is never markup a reader renders."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from django.test import Client

from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def test_control_characters_stored_in_a_case_do_not_break_the_feeds_that_list_it(
    client: Client, regions: dict[str, Region]
) -> None:
    case = make_case(regions["340321"], title="排污口")
    # As a row written before input was cleaned at the edge would hold them.
    Case.objects.filter(pk=case.pk).update(
        title="排污\x1f口\x0b", description="黑水\x1b[0m\x08\r\n第二行"
    )
    for path in (
        "/feeds/topics/environment/",
        "/feeds/regions/340321/",
        "/feeds/regions/340000/",
        f"/feeds/cases/{case.pk}/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (path, parsed.bozo_exception)
    listed = feedparser.parse(client.get("/feeds/regions/340000/").content)
    assert listed.entries[0].title == "排污口"


def test_summaries_are_text_that_readers_show_not_markup_they_render(
    client: Client, regions: dict[str, Region]
) -> None:
    make_case(
        regions["340321"],
        title="<b>排污</b>",
        description='<img src="https://tracker.example/x.png"> <script>alert(1)</script>',
    )
    content = client.get("/feeds/topics/environment/").content.decode()
    assert '<summary type="html">' not in content
    assert "<summary>" in content
    parsed: Any = feedparser.parse(content)
    assert parsed.entries[0].summary_detail.type == "text/plain"
    assert "<script>alert(1)</script>" in parsed.entries[0].summary
