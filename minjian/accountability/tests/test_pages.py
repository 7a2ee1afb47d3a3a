"""The public accountability pages, as a reader without JavaScript gets them (plain GETs)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from typing import Any

import pytest
from django.test import Client

from minjian.accountability import views
from minjian.accountability.selectors import MIN_TO_RANK
from minjian.accountability.tests.timeline import event, hours, routed
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db
Kind = CaseEvent.Kind
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def seed_story(case: Case, agency: Organisation) -> Case:
    routed(case, agency, hours(0))
    event(case, Kind.OFFICIAL_RESPONSE, hours(66), agency, note="已责令停产整改。")
    return case


def charts_in(html: str) -> list[ElementTree.Element]:
    # The markup comes from our own templates under test, not from an outside source.
    return [
        ElementTree.fromstring(svg)  # noqa: S314
        for svg in re.findall(r"<svg.*?</svg>", html, re.DOTALL)
    ]


def test_the_page_shows_the_agency_answering_in_66_hours_in_both_languages(
    client: Client, seed_story: Case
) -> None:
    english = client.get("/accountability/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get("/accountability/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "Bengbu Ecology and Environment Bureau" in english
    assert "66 hours" in english
    assert "League table" in english
    assert "蚌埠市生态环境局" in chinese
    assert "66 小时" in chinese
    assert "排行榜" in chinese


def test_an_answer_in_the_second_the_case_arrived_is_charted_as_no_wait(
    client: Client, case: Case, agency: Organisation
) -> None:
    routed(case, agency, hours(0))
    event(case, Kind.ACKNOWLEDGED, hours(0), agency)

    page = client.get("/accountability/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert "0 minutes" in page.content.decode()
    assert len(charts_in(page.content.decode())) == 2


def test_the_page_needs_no_script_and_has_no_style_attribute(
    client: Client, seed_story: Case
) -> None:
    html = client.get("/accountability/").content.decode()

    assert "<script" not in html
    assert "style=" not in html
    assert "/static/accountability/charts.css" in html


def test_each_chart_is_svg_with_a_text_alternative(client: Client, seed_story: Case) -> None:
    html = client.get("/accountability/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    charts = charts_in(html)
    assert [svg.get("id") for svg in charts] == ["chart-response-time", "chart-answered"]
    for svg in charts:
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert svg.get("role") == "img"
        assert title is not None and desc is not None
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert all(rect.get("class") for rect in svg.iter(f"{SVG}rect"))
    response_chart = charts[0]
    assert "66 hours" in (response_chart.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]  # the chart has a desc
    values = [text.text for text in response_chart.iter(f"{SVG}text")]
    assert "Bengbu Ecology and Environment Bureau" in values
    assert "66 hours" in values
    assert "100% (1/1)" in [text.text for text in charts[1].iter(f"{SVG}text")]


def test_the_longer_bar_is_the_slower_organisation(
    client: Client, case: Case, agency: Organisation, ngo: Organisation
) -> None:
    for organisation, delay in ((agency, 66), (ngo, 6)):
        routed(case, organisation, hours(0))
        event(case, Kind.ACKNOWLEDGED, hours(delay), organisation)

    [response_chart, _answered] = charts_in(client.get("/accountability/").content.decode())

    medians = [
        float(r.get("width", "").removesuffix("%"))
        for r in response_chart.iter(f"{SVG}rect")
        if r.get("class") == "bar-median" and r.find(f"{SVG}title") is not None
    ]
    assert medians == sorted(medians)
    assert medians[-1] == pytest.approx(medians[0] * 11, rel=0.01)


def test_the_table_follows_the_chosen_order(client: Client, regions: dict[str, Region]) -> None:
    slow = make_organisation("slow-bureau", kind=Organisation.Kind.AGENCY, name_en="Slow Bureau")
    quick = make_organisation("quick-bureau", kind=Organisation.Kind.AGENCY, name_en="Quick Bureau")
    for number in range(MIN_TO_RANK):
        case = make_case(regions["340321"], title=f"案例 {number}")
        for organisation, delay in ((slow, 200), (quick, 2)):
            routed(case, organisation, hours(0))
            event(case, Kind.ACKNOWLEDGED, hours(delay), organisation)
    # One more case for the slow bureau, never answered.
    extra = make_case(regions["340321"], title="无人回应")
    routed(extra, slow, hours(0))

    def names(query: str) -> list[str]:
        html = client.get(f"/accountability/{query}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        table = html.split('id="league-table"')[1]
        return re.findall(r"(Quick|Slow) Bureau</a>", table)

    assert names("") == ["Quick", "Slow"]
    assert names("?sort=routed") == ["Slow", "Quick"]
    assert names("?sort=response_rate") == ["Quick", "Slow"]


def test_the_kind_filter_and_invalid_choices(
    client: Client, case: Case, agency: Organisation, ngo: Organisation
) -> None:
    for organisation in (agency, ngo):
        routed(case, organisation, hours(0))

    agencies = client.get("/accountability/?kind=agency", HTTP_ACCEPT_LANGUAGE="en")
    wrong = client.get("/accountability/?sort=slowest", HTTP_ACCEPT_LANGUAGE="en")

    assert "Bengbu Ecology" in agencies.content.decode()
    assert "Huai River Guardians" not in agencies.content.decode()
    assert wrong.status_code == 400
    assert "These choices are not available" in wrong.content.decode()
    assert "Huai River Guardians" in wrong.content.decode()


def test_empty_state(client: Client, db: Any) -> None:
    response = client.get("/accountability/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "No case has been routed and no petition delivered to an organisation in this period yet."
        in html
    )
    assert "<svg" not in html


def test_the_organisation_page_lists_its_cases_and_figures(
    client: Client,
    seed_story: Case,
    agency: Organisation,
    ngo: Organisation,
    regions: dict[str, Region],
) -> None:
    other = make_case(regions["340321"], title="另一个单位的案例")
    routed(other, ngo, hours(1))

    response = client.get("/accountability/bengbu-ecology/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/cases/{seed_story.pk}/"' in html
    assert seed_story.readable_title in html
    assert f'href="/cases/{other.pk}/"' not in html
    assert "Gave an official response" in html
    assert html.count("66 hours") == 3  # the median, the 90th percentile and the case row
    assert "Not ranked in the league table" in html
    assert "<script" not in html and "style=" not in html


def test_the_organisation_page_without_cases_and_of_no_organisation(
    client: Client, agency: Organisation
) -> None:
    empty = client.get("/accountability/bengbu-ecology/", HTTP_ACCEPT_LANGUAGE="en")
    missing = client.get("/accountability/no-such-bureau/", HTTP_ACCEPT_LANGUAGE="en")

    assert "No case has been routed to this organisation in this period." in empty.content.decode()
    assert missing.status_code == 404


def test_the_profile_and_the_navigation_link_here(client: Client, agency: Organisation) -> None:
    html = client.get("/orgs/bengbu-ecology/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'href="/accountability/bengbu-ecology/"' in html
    assert 'href="/accountability/"' in html


@pytest.mark.parametrize("count", [2, 12])
def test_the_page_takes_as_many_queries_for_many_organisations(
    client: Client, case: Case, count: int, django_assert_max_num_queries: Any
) -> None:
    for number in range(count):
        organisation = make_organisation(f"org-{number}", name_zh=f"组织{number}")
        routed(case, organisation, hours(0))
        event(case, Kind.ACKNOWLEDGED, hours(number + 1), organisation)

    with django_assert_max_num_queries(4):  # with the versions of what the stored page shows
        response = client.get("/accountability/")

    assert response.status_code == 200


def test_a_chart_shows_the_first_twenty_organisations_and_says_so(
    client: Client, case: Case
) -> None:
    for number in range(22):
        organisation = make_organisation(f"org-{number:02}", name_en=f"Bureau {number:02}")
        routed(case, organisation, hours(0))
        event(case, Kind.ACKNOWLEDGED, hours(number + 1), organisation)

    html = client.get("/accountability/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    response_chart, answered_chart = charts_in(html)
    for chart in (response_chart, answered_chart):
        names = [t.text for t in chart.iter(f"{SVG}text") if t.get("class") == "chart-name"]
        assert names == [f"Bureau {number:02}" for number in range(20)]
    assert html.count("the first 20 organisations of the table") == 2
    assert "Bureau 21" in html.split('id="league-table"')[1]


def test_the_league_table_comes_a_page_at_a_time_in_its_order(
    client: Client, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "ORGANISATIONS_PER_PAGE", 2)
    for number in range(3):
        organisation = make_organisation(f"org-{number}", name_en=f"Bureau {number}")
        routed(case, organisation, hours(0))
        event(case, Kind.ACKNOWLEDGED, hours(number + 1), organisation)

    first = client.get("/accountability/?sort=routed", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    second = client.get(
        "/accountability/?sort=routed&page=2", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    table = first.split('id="league-table"')[1]
    assert "Bureau 0" in table and "Bureau 1" in table and "Bureau 2" not in table
    assert "period=all&amp;sort=routed&amp;page=2" in first
    assert "Bureau 2" in second.split('id="league-table"')[1]
    assert "Page 2 of 2" in second
