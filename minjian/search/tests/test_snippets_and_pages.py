"""Search results on the web list and in the API, each with its highlighted snippet."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.models import CaseEvent
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region
from minjian.search import selectors
from minjian.search.selectors import snippet
from minjian.search.tests.helpers import organisation_note, public_case

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]


def first_snippet(q: str) -> str:
    filters = selectors.CaseFilters.parse(q=q)
    return str(snippet(selectors.find_cases(filters)[0], filters.terms))


def test_the_snippet_marks_every_term_and_escapes_the_rest(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        public_case(
            regions["340321"],
            user,
            title="河水变黑",
            description="<script>alert(1)</script> 工廠夜裡排污，排污口在 River Road & 桥下。",
        )
    assert first_snippet("排汙 river") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; 工廠夜裡<mark>排污</mark>，"
        "<mark>排污</mark>口在 <mark>River</mark> Road &amp; 桥下。"
    )
    # The traditional text is marked where a simplified query matched it.
    assert first_snippet("工厂") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>工廠</mark>夜裡排污，"
        "排污口在 River Road &amp; 桥下。"
    )


def test_the_snippet_is_a_window_around_the_first_match(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    description = "前" * 200 + "排污" + "后" * 200
    with committed():
        public_case(regions["340321"], user, title="河水变黑", description=description)
    shown = first_snippet("排污")
    assert shown == "…" + "前" * 30 + "<mark>排污</mark>" + "后" * 88 + "…"


def test_the_snippet_comes_from_a_public_update_when_it_matched_there(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    agency = make_organisation("county-eco", kind="agency", verified=True)
    with committed():
        case = public_case(regions["340321"], user, title="村口有异味", description="晚上更明显。")
        organisation_note(case, agency, "已查明是养猪场排污。", kind=CaseEvent.Kind.PUBLIC_UPDATE)
        organisation_note(case, agency, "内部：猪场老板姓王。", kind=CaseEvent.Kind.INTERNAL_NOTE)
    assert first_snippet("排污") == "已查明是养猪场<mark>排污</mark>。"
    # A match in the title only: the start of the description.
    assert first_snippet("异味") == "晚上更明显。"


def test_the_web_list_searches_and_shows_snippets(
    client: Client, regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        mill = public_case(
            regions["340321"], user, title="造纸厂排污", description="夜里排<黑水>。"
        )
        public_case(regions["340321"], user, title="学校漏雨", description="没人修。")
    response = client.get("/cases/", {"q": "黑水", "region": "340000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/cases/{mill.pk}/"' in html
    assert "学校漏雨" not in html
    assert "夜里排&lt;<mark>黑水</mark>&gt;。" in html
    assert 'value="黑水"' in html
    # Pages keep the search.
    assert [case.pk for case in response.context["page"].object_list] == [mill.pk]
    assert response.context["query"] == {"region": "340000", "q": "黑水"}


def test_the_web_list_says_a_search_is_too_long_next_to_its_field(
    client: Client, regions: dict[str, Region], user: User
) -> None:
    response = client.get("/cases/", {"q": "淮" * 201}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="q-error"' in html
    assert "Search for at most 200 characters." in html


def test_the_api_searches_with_q_and_returns_snippets_and_scores(
    client: Client, regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        in_description = public_case(
            regions["340321"], user, title="河水变黑", description="造纸厂夜里排污。"
        )
        in_title = public_case(regions["340321"], user, title="造纸厂排污", description="天天有。")
        public_case(regions["341200"], user, title="学校漏雨", description="没人修。")
    search: dict[str, str | int] = {"q": "排汙", "page_size": 1}
    body = client.get("/api/v1/cases", search).json()
    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [in_title.pk]
    assert body["results"][0]["snippet"] == "天天有。"
    body = client.get("/api/v1/cases", search | {"page": 2}).json()
    second = body["results"][0]
    assert second["id"] == in_description.pk
    assert second["snippet"] == "造纸厂夜里<mark>排污</mark>。"
    assert second["score"] > 0
    listed = client.get("/api/v1/cases").json()["results"]
    assert {item["snippet"] for item in listed} == {None}


def test_the_api_refuses_a_search_too_long(client: Client, regions: dict[str, Region]) -> None:
    response = client.get("/api/v1/cases", {"q": "x" * 201})
    assert response.status_code == 400
    assert response.json()["code"] == "query_too_long"


def test_the_map_shows_only_the_cases_found(
    client: Client, regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        mill = public_case(
            regions["340321"], user, title="造纸厂排污", latitude="32.94", longitude="117.36"
        )
        public_case(regions["340321"], user, title="学校漏雨", latitude="32.95", longitude="117.37")
    response = client.get("/cases/map/", {"q": "排污"})
    assert response.status_code == 200
    assert [case.pk for case in response.context["page"].object_list] == [mill.pk]
    features = client.get(response.context["features_url"] + "&bbox=73,18,135,54&zoom=5")
    assert [case["id"] for case in features.json()["cases"]] == [mill.pk]
