"""A search counts its matches up to a ceiling; above it, the newest are listed first."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.places.models import Region
from minjian.search import selectors as search_selectors
from minjian.search.tests.helpers import public_case

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]
CAP = 3


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(search_selectors, "SEARCH_COUNT_CAP", CAP)
    return CAP


@pytest.fixture
def five_mills(regions: dict[str, Region], user: User, committed: Committed) -> list[Case]:
    """Five cases holding 排污, newest first, and one that does not.

    The oldest has the word in its title and so ranks first: listed newest first,
    it comes last.
    """
    with committed():
        best = public_case(regions["340321"], user, title="造纸厂排污", description="排污。排污。")
        others = [
            public_case(regions["340321"], user, title=f"河水变黑{n}", description="夜里排污。")
            for n in range(4)
        ]
        public_case(regions["340321"], user, title="学校漏雨", description="没人修。")
    now = timezone.now()
    newest_first = [*reversed(others), best]
    for age, case in enumerate(newest_first):
        Case.objects.filter(pk=case.pk).update(published_at=now - timedelta(hours=age))
    return newest_first


def search(q: str) -> search_selectors.CappedSearch:
    return search_selectors.capped(
        search_selectors.find_cases(search_selectors.CaseFilters.parse(q=q))
    )


def test_more_matches_than_the_cap_are_counted_as_the_cap_and_listed_newest_first(
    small_cap: int, five_mills: list[Case]
) -> None:
    found = search("排污")
    assert (found.count, found.more_than_cap) == (CAP, True)
    # The same order on both engines: it does not depend on their ranking.
    assert [case.pk for case in found.cases] == [case.pk for case in five_mills]


def test_up_to_the_cap_matches_are_counted_exactly_and_ranked(
    monkeypatch: pytest.MonkeyPatch, five_mills: list[Case]
) -> None:
    monkeypatch.setattr(search_selectors, "SEARCH_COUNT_CAP", len(five_mills))
    found = search("排污")
    assert (found.count, found.more_than_cap) == (5, False)
    # Best first: the one with the word in its title, although it is the oldest.
    assert next(iter(found.cases)).pk == five_mills[-1].pk


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "More than 3 cases hold these words: the newest are listed first."),
        ("zh-hans", "超过 3 个案例含有这些词：最新的排在前面。"),
    ],
)
def test_the_web_list_says_more_than_the_cap_and_its_pages_stop_there(
    client: Client,
    settings: Any,
    small_cap: int,
    five_mills: list[Case],
    language: str,
    text: str,
) -> None:
    settings.MINJIAN_CASES_PER_PAGE = 2
    response = client.get("/cases/", {"q": "排污"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert text in response.content.decode()
    page = response.context["page"]
    assert page.paginator.num_pages == 2
    assert [case.pk for case in page.object_list] == [case.pk for case in five_mills[:2]]
    # The last page ends at the cap; a page past it is the last page, as for any list.
    for number in (2, 3):
        page = client.get("/cases/", {"q": "排污", "page": number}).context["page"]
        assert [case.pk for case in page.object_list] == [five_mills[2].pk]


def test_the_web_list_counts_every_case_without_a_search(
    client: Client, small_cap: int, five_mills: list[Case]
) -> None:
    response = client.get("/cases/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["page"].paginator.count == 6
    html = response.content.decode()
    assert "6 cases" in html
    assert "More than" not in html


def test_the_api_caps_the_count_of_a_search_and_says_so(
    client: Client, small_cap: int, five_mills: list[Case]
) -> None:
    search: dict[str, str | int] = {"q": "排污", "page_size": 2}
    pages = [client.get("/api/v1/cases", search | {"page": number}).json() for number in (1, 2, 3)]
    assert {(body["count"], body["count_is_capped"]) for body in pages} == {(CAP, True)}
    assert [[item["id"] for item in body["results"]] for body in pages] == [
        [case.pk for case in five_mills[:2]],
        [five_mills[2].pk],
        [],
    ]
    rare = client.get("/api/v1/cases", {"q": "造纸厂"}).json()
    assert (rare["count"], rare["count_is_capped"]) == (1, False)
    every = client.get("/api/v1/cases").json()
    assert (every["count"], every["count_is_capped"]) == (6, False)
