"""The case list's pages by cursor: following "Older" from the first page to the last, and
"Newer" back, lists every public case once, in the list's order, as counting from the start
would; the cursor in a link is exact, and a damaged one is refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.core.errors import DomainError
from minjian.places.models import Region
from minjian.search import selectors
from minjian.search.keyset import Cursor, keyset_page

NEXT = re.compile(r'<a rel="next" href="\?([^"]+)"')
PREVIOUS = re.compile(r'<a rel="prev" href="\?([^"]+)"')
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')


@pytest.fixture
def many_cases(regions: dict[str, Region], staff: User, settings: Any) -> list[int]:
    settings.MINJIAN_CASES_PER_PAGE = 3
    ids = [make_case(regions["340321"], reporter=staff, title=f"案例{n}").pk for n in range(8)]
    # Two cases published at the same moment: the id breaks the tie.
    same = Case.objects.get(pk=ids[2]).published_at
    Case.objects.filter(pk=ids[3]).update(published_at=same)
    services.case_hide(actor=staff, case_id=ids[5], reason=Case.HiddenReason.values[0])
    return list(
        Case.objects.filter(state__in=Case.PUBLIC_STATES)
        .order_by("-published_at", "-id")
        .values_list("id", flat=True)
    )


def listed(html: str) -> list[int]:
    return list(dict.fromkeys(int(pk) for pk in CASE_LINK.findall(html)))


def test_following_the_links_lists_every_case_once_in_order(
    client: Client, many_cases: list[int]
) -> None:
    html = client.get("/cases/").content.decode()
    pages = [listed(html)]
    while found := NEXT.search(html):
        html = client.get("/cases/?" + found.group(1).replace("&amp;", "&")).content.decode()
        pages.append(listed(html))
        assert "after=" in found.group(1)
    assert [pk for page in pages for pk in page] == many_cases
    assert len(pages) == 3
    assert "第 3 页，共 3 页" in html or "Page 3 of 3" in html

    back = []
    while found := PREVIOUS.search(html):
        html = client.get("/cases/?" + found.group(1).replace("&amp;", "&")).content.decode()
        back.append(listed(html))
    assert back == pages[-2::-1]


@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_page_past_a_cursor_starts_its_index_scan_at_the_cursor(
    many_cases: list[int], direction: str
) -> None:
    edge = Case.objects.get(pk=many_cases[4])
    with CaptureQueriesContext(connection) as queries:
        keyset_page(
            selectors.find_cases(selectors.CaseFilters()),
            **{direction: Cursor.of(edge)},
            number=2,
            count=len(many_cases),
            per_page=3,
        )
    # The page's cases (then what they show, prefetched).
    read = queries.captured_queries[0]
    bound = "<" if direction == "after" else ">"

    # The plan of the page's own query: the cursor's time bounds the scan of the index
    # on the publication time, rather than being checked on every row before it (a
    # page 3,000 deep read 60,000 rows). A table this small is scanned whole unless told.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {read['sql']}")
            bounds = [line for (line,) in cursor.fetchall() if "Index Cond:" in line]
            assert any(f"published_at {bound}= '" in line for line in bounds), bounds
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {read['sql']}")
            bounds = [str(row[-1]) for row in cursor.fetchall()]
            assert any(
                line.startswith("SEARCH cases_case USING") and f"published_at{bound}" in line
                for line in bounds
            ), bounds


def test_a_page_by_number_alone_is_the_same_page(client: Client, many_cases: list[int]) -> None:
    assert listed(client.get("/cases/?page=2").content.decode()) == many_cases[3:6]


def test_the_api_pages_by_cursor_too(client: Client, many_cases: list[int]) -> None:
    found: list[int] = []
    address = "/api/v1/cases?page_size=3"
    while True:
        body = client.get(address).json()
        assert body["count"] == len(many_cases)
        found += [result["id"] for result in body["results"]]
        if body["next_after"] is None:
            break
        address = f"/api/v1/cases?page_size=3&page={body['page'] + 1}&after={body['next_after']}"
    assert found == many_cases


def test_a_damaged_cursor_is_refused_with_a_clear_error(
    client: Client, many_cases: list[int]
) -> None:
    response = client.get("/api/v1/cases?after=12x.3")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"
    assert client.get("/cases/?after=--").status_code == 400


moments = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)


@given(moment=moments, case_id=st.integers(min_value=1, max_value=10**17))
def test_a_cursor_keeps_its_moment_to_the_microsecond(moment: datetime, case_id: int) -> None:
    cursor = Cursor(moment, case_id)
    assert Cursor.parse(str(cursor)) == cursor


@given(text=st.text(max_size=60))
def test_any_text_is_a_cursor_or_refused(text: str) -> None:
    try:
        cursor = Cursor.parse(text)
    except DomainError as refused:
        assert refused.code == "invalid_cursor"
    else:
        assert cursor.published_at - datetime(1970, 1, 1, tzinfo=UTC) >= timedelta(0)
