"""Every case of the list, as a CSV file: the list's filters, only public cases, in the
reader's language, streamed a chunk at a time."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import translation

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.cases.services import case_close, case_hide, case_publish
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region
from minjian.search import selectors

pytestmark = pytest.mark.django_db


def _rows(response: Any) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="minjian-cases.csv"'
    content = response.getvalue()
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_every_public_case_is_in_the_download_and_nothing_else(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    published = make_case(
        regions["340321"], title="造纸厂向淮河排污", latitude="32.97", longitude="117.2"
    )
    closed = make_case(regions["420102"], title="学校门口没有斑马线", topic="education")
    case_close(actor=staff, case_id=closed.pk)
    hidden = make_case(regions["340321"], title="被隐藏的案例")
    case_hide(actor=staff, case_id=hidden.pk, reason=Case.HiddenReason.PERSONAL_DATA)

    rows = _rows(client.get("/cases/export.csv", HTTP_ACCEPT_LANGUAGE="en"))

    assert list(rows[0]) == list(selectors.EXPORT_COLUMNS)
    assert [row["case_id"] for row in rows] == [str(published.pk), str(closed.pk)]
    first = rows[0]
    assert first["case_url"] == f"http://testserver/cases/{published.pk}/"
    assert (first["title"], first["topic"], first["region_code"]) == (
        "造纸厂向淮河排污",
        "environment",
        "340321",
    )
    assert (first["region"], first["state"], first["state_label"]) == (
        "Huaiyuan County",
        "published",
        "published",
    )
    assert first["published_at"].endswith("Z") and first["latitude"].startswith("32.9")
    assert rows[1]["state"] == "closed"


def test_the_download_speaks_the_readers_language_and_keeps_personal_data_out(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    case = make_case(regions["340321"], description="厂长的电话是 13812345678，晚上排污。")
    # A report holding personal data waits for a moderator.
    case = case_publish(actor=staff, case_id=case.pk)

    (row,) = _rows(client.get("/cases/export.csv", HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "13812345678" not in row["description"]
    with translation.override("zh-hans"):
        assert row["description"] == case.readable_description
    assert (row["region"], row["state_label"]) == ("怀远县", "已公开")


def test_the_download_takes_the_lists_filters_and_search(
    client: Client, regions: dict[str, Region], committed: Any
) -> None:
    with committed():
        mill = make_case(regions["340321"], title="造纸厂向淮河排污")
        make_case(regions["340321"], title="学校门口没有斑马线", topic="education")
        make_case(regions["420102"], title="武汉的造纸厂", topic="education")

    by_topic = _rows(client.get("/cases/export.csv", {"topic": "environment"}))
    by_region_and_words = _rows(
        client.get("/cases/export.csv", {"region": "340000", "q": "造纸厂"})
    )

    assert [row["case_id"] for row in by_topic] == [str(mill.pk)]
    assert [row["case_id"] for row in by_region_and_words] == [str(mill.pk)]


def test_a_title_a_spreadsheet_would_run_is_made_inert(
    client: Client, regions: dict[str, Region]
) -> None:
    make_case(regions["340321"], title='=HYPERLINK("http://evil")排污')

    (row,) = _rows(client.get("/cases/export.csv"))

    assert row["title"].startswith("'=")


def test_bad_filters_are_a_json_error(client: Client, regions: dict[str, Region]) -> None:
    response = client.get("/cases/export.csv", {"topic": "weather"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_topic"


def test_cases_are_read_a_chunk_at_a_time_in_the_same_queries_per_chunk(
    client: Client,
    regions: dict[str, Region],
    monkeypatch: pytest.MonkeyPatch,
    django_assert_num_queries: Any,
) -> None:
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 2)
    made = [make_case(regions["340321"], title=f"问题{number}") for number in range(5)]

    response = client.get("/cases/export.csv")
    # The regions' names once, then three chunks of at most two cases (2, 2, 1).
    with django_assert_num_queries(4):
        rows = _rows(response)

    assert [row["case_id"] for row in rows] == [str(case.pk) for case in made]


def test_the_list_links_its_download_with_its_filters(
    client: Client, regions: dict[str, Region]
) -> None:
    make_case(regions["340321"])

    page = client.get("/cases/", {"topic": "environment"}, HTTP_ACCEPT_LANGUAGE="en").text

    assert 'href="/cases/export.csv?topic=environment" download' in page
    assert "Download every case of this list (CSV)" in page
