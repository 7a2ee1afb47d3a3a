"""A search counts its matches up to a ceiling; above it, the most recently reported up to
the ceiling are listed, best first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

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
def mills(regions: dict[str, Region], user: User, committed: Committed) -> list[Case]:
    """Six cases holding 排污, most recently reported first, and one that does not.

    The second most recent and the earliest have the word in their title and so rank
    first; the other three rank alike, and so the most recent first.
    """

    def mill(title: str, description: str) -> Case:
        return public_case(regions["340321"], user, title=title, description=description)

    with committed():
        earliest_best = mill("造纸厂排污", "排污。排污。")
        others = [mill(f"河水变黑{n}", "夜里排污。") for n in range(3)]
        best = mill("造纸厂排污", "排污。排污。")
        newest = mill("河水变黑9", "夜里排污。")
        mill("学校漏雨", "没人修。")
    return [newest, best, others[2], others[1], others[0], earliest_best]


def search(q: str, **filters: str) -> search_selectors.CappedSearch:
    return search_selectors.capped(
        search_selectors.find_cases(search_selectors.CaseFilters.parse(q=q, **filters))
    )


def ids(cases: Iterable[Case]) -> list[int]:
    return [case.pk for case in cases]


def test_more_matches_than_the_cap_are_counted_as_the_cap_and_the_latest_listed_best_first(
    small_cap: int, mills: list[Case]
) -> None:
    found = search("排污")
    assert (found.count, found.more_than_cap) == (CAP, True)
    # The three most recent, the best first, then the two alike, the most recent first;
    # the earliest reported is left out although it ranks as high as the best.
    newest, best, third, *_earlier = mills
    assert ids(found.cases) == ids([best, newest, third])


def test_up_to_the_cap_matches_are_counted_exactly_and_ranked(
    monkeypatch: pytest.MonkeyPatch, mills: list[Case]
) -> None:
    monkeypatch.setattr(search_selectors, "SEARCH_COUNT_CAP", len(mills))
    found = search("排污")
    assert (found.count, found.more_than_cap) == (6, False)
    newest, best, third, fourth, fifth, earliest_best = mills
    assert ids(found.cases) == ids([best, earliest_best, newest, third, fourth, fifth])


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "More than 3 cases hold these words:"
            " the 3 most recently reported are listed, best match first.",
        ),
        ("zh-hans", "超过 3 个案例含有这些词：列出最近报告的 3 个，最相关的排在前面。"),
    ],
)
def test_the_web_list_says_more_than_the_cap_and_its_pages_stop_there(
    client: Client,
    settings: Any,
    small_cap: int,
    mills: list[Case],
    language: str,
    text: str,
) -> None:
    settings.MINJIAN_CASES_PER_PAGE = 2
    response = client.get("/cases/", {"q": "排污"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert text in response.content.decode()
    page = response.context["page"]
    assert page.paginator.num_pages == 2
    newest, best, third = mills[:CAP]
    assert ids(page.object_list) == ids([best, newest])
    # The last page ends at the cap; a page past it is the last page, as for any list.
    for number in (2, 3):
        page = client.get("/cases/", {"q": "排污", "page": number}).context["page"]
        assert ids(page.object_list) == [third.pk]


def test_the_web_list_counts_every_case_without_a_search(
    client: Client, small_cap: int, mills: list[Case]
) -> None:
    response = client.get("/cases/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["page"].paginator.count == 7
    html = response.content.decode()
    assert "7 cases" in html
    assert "More than" not in html


def test_the_api_caps_the_count_of_a_search_and_says_so(
    client: Client, small_cap: int, mills: list[Case]
) -> None:
    search: dict[str, str | int] = {"q": "排污", "page_size": 2}
    pages = [client.get("/api/v1/cases", search | {"page": number}).json() for number in (1, 2, 3)]
    assert {(body["count"], body["count_is_capped"]) for body in pages} == {(CAP, True)}
    newest, best, third = mills[:CAP]
    assert [[item["id"] for item in body["results"]] for body in pages] == [
        ids([best, newest]),
        [third.pk],
        [],
    ]
    rare = client.get("/api/v1/cases", {"q": "造纸厂"}).json()
    assert (rare["count"], rare["count_is_capped"]) == (2, False)
    every = client.get("/api/v1/cases").json()
    assert (every["count"], every["count_is_capped"]) == (7, False)


def test_without_the_rum_index_a_search_lists_the_same(
    monkeypatch: pytest.MonkeyPatch, small_cap: int, mills: list[Case]
) -> None:
    """Where PostgreSQL's RUM extension is missing, the GIN index gives the same list
    (on SQLite, which has neither, the test only lists twice)."""
    with_rum = search("排污")
    monkeypatch.setattr(search_selectors, "_rum_index", lambda: False)
    without = search("排污")
    assert (without.count, ids(without.cases)) == (with_rum.count, ids(with_rum.cases))


@pytest.mark.parametrize("common", [True, False])
def test_walking_a_state_s_cases_lists_what_the_index_lists(
    monkeypatch: pytest.MonkeyPatch, small_cap: int, mills: list[Case], common: bool
) -> None:
    """On PostgreSQL, very common words in one state are found by walking that state's
    cases from the most recent; the list is the one the full-text index gives."""
    # As rare as can be with the filters, so that every document is not walked instead.
    monkeypatch.setattr(search_selectors, "_expected_matches", lambda *_args: (0.0, 1.0))
    by_index = search("排污", state="published")
    monkeypatch.setattr(search_selectors, "_words_are_common", lambda _terms: common)
    walked = search("排污", state="published")
    assert (walked.count, ids(walked.cases)) == (by_index.count, ids(by_index.cases))
    newest, best, third, *_earlier = mills
    assert ids(walked.cases) == ids([best, newest, third])
