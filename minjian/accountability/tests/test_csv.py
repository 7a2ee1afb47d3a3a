"""The CSV downloads: the page's figures, and the facts anyone can recompute them from."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from minjian.accountability.formatting import readable_duration
from minjian.accountability.selectors import Filters, case_facts
from minjian.accountability.tests.percentiles import nearest_rank
from minjian.accountability.tests.timeline import event, hours, routed
from minjian.cases.models import CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.core.text import spreadsheet_safe
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db
Kind = CaseEvent.Kind


@pytest.fixture
def timeline(regions: dict[str, Region], agency: Organisation, ngo: Organisation) -> None:
    """Seven cases for the agency (one never answered) and two for the NGO."""
    for number, delay in enumerate([66, 3, 120, 8, 30, 200, None]):
        case = make_case(regions["340321"], title=f"案例 {number}")
        routed(case, agency, hours(number))
        if delay is not None:
            event(case, Kind.OFFICIAL_RESPONSE, hours(number + delay), agency, note="答复")
        if number % 2 == 0:
            event(case, Kind.RESOLVED, hours(number + 300))
        if number < 2:
            routed(case, ngo, hours(number + 1))
            event(case, Kind.ACKNOWLEDGED, hours(number + 2), ngo)


def download(client: Client, path: str) -> tuple[bytes, list[dict[str, str]]]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    # A download is streamed: its content is read by joining what it sends.
    content = response.getvalue()
    return content, list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_figures_csv_holds_the_figures_of_the_page(client: Client, timeline: None) -> None:
    content, rows = download(client, "/accountability/figures.csv")
    html = client.get("/accountability/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert content.startswith(b"\xef\xbb\xbf")
    assert [row["organisation"] for row in rows] == ["bengbu-ecology", "huai-river-guardians"]
    agency = rows[0]
    assert agency["rank"] == "1"
    assert agency["name_zh"] == "蚌埠市生态环境局"
    assert (agency["routed"], agency["answered"], agency["resolved"], agency["responded"]) == (
        "7",
        "6",
        "4",
        "6",
    )
    assert agency["response_rate"] == "0.8571"
    # Answered after 3 8 30 66 120 200 hours: the median is the 3rd, the 90th percentile the 6th.
    assert agency["median_first_response_seconds"] == str(30 * 3600)
    assert agency["p90_first_response_seconds"] == str(200 * 3600)
    assert rows[1]["rank"] == ""
    for row in rows:
        for column in ("median_first_response_seconds", "p90_first_response_seconds"):
            shown = readable_duration(timedelta(seconds=int(row[column])))
            assert shown in html


def test_the_figures_recompute_from_the_cases_csv(client: Client, timeline: None) -> None:
    _content, figures = download(client, "/accountability/figures.csv")
    _content, cases = download(client, "/accountability/cases.csv")

    def moment(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    for row in figures:
        mine = [case for case in cases if case["organisation"] == row["organisation"]]
        for case in mine:
            assert case["case_url"] == f"http://testserver/cases/{case['case_id']}/"
            if case["first_response_at"]:
                difference = moment(case["first_response_at"]) - moment(case["routed_at"])
                assert int(case["first_response_seconds"]) == max(
                    0, int(difference.total_seconds())
                )
            if case["resolved_at"]:
                difference = moment(case["resolved_at"]) - moment(case["routed_at"])
                assert int(case["resolution_seconds"]) == int(difference.total_seconds())
        responses = [int(c["first_response_seconds"]) for c in mine if c["first_response_seconds"]]
        resolutions = [int(c["resolution_seconds"]) for c in mine if c["resolution_seconds"]]
        recomputed = {
            "routed": str(len(mine)),
            "acknowledged": str(sum(c["acknowledged"] == "1" for c in mine)),
            "answered": str(sum(c["answered"] == "1" for c in mine)),
            "resolved": str(len(resolutions)),
            "responded": str(len(responses)),
            "median_first_response_seconds": str(nearest_rank(responses, 50) or ""),
            "p90_first_response_seconds": str(nearest_rank(responses, 90) or ""),
            "median_resolution_seconds": str(nearest_rank(resolutions, 50) or ""),
            "p90_resolution_seconds": str(nearest_rank(resolutions, 90) or ""),
        }
        assert {key: row[key] for key in recomputed} == recomputed


def test_the_cases_csv_has_one_row_per_case_and_organisation(
    client: Client, timeline: None
) -> None:
    _content, cases = download(client, "/accountability/cases.csv")
    _content, ngo_cases = download(client, "/accountability/huai-river-guardians/cases.csv")

    assert len(cases) == 9
    assert [row["first_response_kind"] for row in ngo_cases] == ["acknowledged", "acknowledged"]
    assert ngo_cases == [row for row in cases if row["organisation"] == "huai-river-guardians"]
    facts = list(case_facts(Filters()))
    assert sorted(int(row["case_id"]) for row in cases) == sorted(f.case_id for f in facts)


def test_the_downloads_follow_the_filters(client: Client, timeline: None) -> None:
    _content, agencies = download(client, "/accountability/figures.csv?kind=agency")
    _content, recent = download(client, "/accountability/cases.csv?period=30")

    assert [row["organisation"] for row in agencies] == ["bengbu-ecology"]
    # The timeline lies in March 2026, long before these tests run.
    assert recent == []


def test_a_name_written_as_a_formula_is_text_in_the_csv(
    client: Client, regions: dict[str, Region]
) -> None:
    sneaky = make_organisation(
        "sneaky", name_zh='=HYPERLINK("http://evil.example","点我")', name_en="@SUM(A1:A9)"
    )
    routed(make_case(regions["340321"]), sneaky, hours(0))

    _content, [row] = download(client, "/accountability/figures.csv")

    assert row["name_zh"] == '\'=HYPERLINK("http://evil.example","点我")'
    assert row["name_en"] == "'@SUM(A1:A9)"


@given(st.text())
def test_no_safe_cell_starts_like_a_formula(text: str) -> None:
    safe = spreadsheet_safe(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (text, "'" + text)
