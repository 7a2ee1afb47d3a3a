"""The public moderation log's pages: read from the cursor their links carry (at any
depth, one read a page, nothing counted), every action once, newest first, back and forth;
the holds and the other apps' actions on the first page only."""

from __future__ import annotations

from typing import Any

import lxml.html  # type: ignore[import-untyped]  # lxml ships no type information
import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases import selectors, services, views_moderation
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

LOG = "/cases/moderation/log/"
PER_PAGE = 3


@pytest.fixture
def actions(regions: dict[str, Region], staff: User, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Eight moderators' actions (hidden cases), as the log's newest-first case ids."""
    monkeypatch.setattr(views_moderation, "LOG_PAGE_SIZE", PER_PAGE)
    for number in range(8):
        case = make_case(regions["340321"], title=f"第{number}号")
        services.case_hide(actor=staff, case_id=case.pk, reason=Case.HiddenReason.OTHER)
    return [event.case_id for event in selectors.moderation_log()]


def listed(page: lxml.html.HtmlElement) -> list[int]:
    """The case ids of the actions a page lists, in its order."""
    (table,) = page.xpath("//h2[.='Actions']/following-sibling::div[1]//tbody")
    return [int(row.xpath("string(td[3])").strip().lstrip("#")) for row in table.iter("tr")]


def get(client: Client, address: str) -> lxml.html.HtmlElement:
    response = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return lxml.html.document_fromstring(response.content)


def link(page: lxml.html.HtmlElement, rel: str) -> str | None:
    found = page.xpath(f"//nav[@class='pagination']/a[@rel='{rel}']/@href")
    return f"{LOG}{found[0]}" if found else None


def test_older_links_list_every_action_once_newest_first_and_newer_links_come_back(
    client: Client, actions: list[int]
) -> None:
    assert len(actions) == 8
    page = get(client, LOG)
    seen, pages = listed(page), [page]
    while (older := link(page, "next")) is not None:
        assert "after=" in older
        page = get(client, older)
        seen += listed(page)
        pages.append(page)
    assert seen == actions
    assert [listed(page) for page in pages] == [actions[0:3], actions[3:6], actions[6:8]]
    # Not counted: a page says its number alone.
    assert "Page 2" in pages[1].text_content() and "Page 2 of" not in pages[1].text_content()
    newer = link(pages[2], "prev")
    assert newer is not None and "before=" in newer
    assert listed(get(client, newer)) == actions[3:6]


def test_a_deep_page_reads_the_same_few_queries_and_counts_nothing(
    client: Client, actions: list[int], django_assert_max_num_queries: Any
) -> None:
    second = link(get(client, LOG), "next")
    assert second is not None
    third = link(get(client, second), "next")
    assert third is not None
    with django_assert_max_num_queries(1) as queries:
        page = get(client, third)
    assert listed(page) == actions[6:8]
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


def test_the_holds_for_naming_a_person_are_on_the_first_page_only(
    client: Client, actions: list[int]
) -> None:
    first = get(client, LOG)
    assert first.xpath("//h2[.='Held for naming a private person']")
    second_link = link(first, "next")
    assert second_link is not None
    second = get(client, second_link)
    assert not second.xpath("//h2[.='Held for naming a private person']")
    # Back on the first page by its "Newer" link: the holds again.
    back = link(second, "prev")
    assert back is not None
    assert get(client, back).xpath("//h2[.='Held for naming a private person']")


def test_a_damaged_cursor_is_refused_and_a_typed_page_number_is_read(
    client: Client, actions: list[int]
) -> None:
    assert client.get(f"{LOG}?page=2&after=not-a-cursor").status_code == 400
    assert listed(get(client, f"{LOG}?page=2")) == actions[3:6]
