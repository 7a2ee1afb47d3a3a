"""A case's public verdict in the Atom feeds: a category and the first line of a case's
entry in the lists, and its label, rationale, sources and organisations in the entry of
the case's timeline."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from django.test import Client

from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.claims.tests.factories import SOURCE, judge, make_verifier
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def _read(client: Client, path: str) -> Any:
    parsed = feedparser.parse(client.get(path, HTTP_ACCEPT_LANGUAGE="en").content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_the_feeds_show_the_verdict(client: Client, regions: dict[str, Region]) -> None:
    case = make_case(regions["340321"], title="淮河排污", description="夜里排黑水。")
    untouched = make_case(regions["340321"], title="另一件事")
    judge(case, make_verifier("guardian-li", "green-huai-river"), Case.Verdict.FALSE)

    listed = {entry.title: entry for entry in _read(client, "/feeds/topics/environment/").entries}
    assert "Verdict: false" in [tag.term for tag in listed["淮河排污"].tags]
    assert listed["淮河排污"].summary.startswith("Verdict: false\n\n夜里排黑水。")
    assert "Verdict" not in listed["另一件事"].summary
    assert untouched.pk

    (verdict,) = [
        entry
        for entry in _read(client, f"/feeds/cases/{case.pk}/").entries
        if entry.title.startswith("verdict")
    ]
    assert verdict.summary.split("\n\n") == [
        "Verdict: false",
        "环保局监测报告显示排污口水质超标。",
        SOURCE["url"],
        "Judged by Huai River Guardians",
    ]
