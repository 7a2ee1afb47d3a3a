"""The similar cases in the JSON API: POST /api/v1/cases/similar for a report being written,
GET /api/v1/cases/{id}/similar for a case's near-duplicates. Every answer is checked
against the OpenAPI document by the test client."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]

TITLE = "淮河边造纸厂夜间偷排黑水"
DESCRIPTION = "每天夜里十点以后，怀远县淮河边的造纸厂排污口流出黑色的污水，河面上漂着死鱼。"
TRADITIONAL = {
    "title": "淮河邊造紙廠夜間偷排黑水",
    "description": "每天夜裡十點以後，懷遠縣淮河邊的造紙廠排汙口流出黑色的汙水，河面上漂着死魚。",
}


def post_similar(client: Client, body: dict[str, Any], **headers: Any) -> Any:
    return client.post("/api/v1/cases/similar", body, content_type="application/json", **headers)


def test_a_report_being_written_gets_the_similar_public_cases_as_a_list_shows_them(
    client: Client, regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        case = make_case(
            regions["340321"], title=TITLE, description=DESCRIPTION, photos=[jpeg_upload()]
        )
        make_case(regions["340321"], title="化工厂排放废气", description="学校里的孩子咳嗽不止。")

    response = post_similar(
        client,
        TRADITIONAL | {"region": "340321", "latitude": 32.95, "longitude": 117.2, "limit": 5},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    [result] = response.json()["results"]
    listed = client.get("/api/v1/cases", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    summary = next(item for item in listed if item["id"] == case.pk)
    for field in ("snippet", "score"):
        summary.pop(field)
    assert {key: result[key] for key in summary} == summary
    assert result["text_similarity"] == 1.0
    assert 0.7 < result["score"] <= 1.0
    assert len(result["photos"]) == 1


def test_a_text_like_no_case_gets_an_empty_list(
    client: Client, regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    response = post_similar(client, {"description": "武汉地铁站的电梯坏了三个星期没人修。"})
    assert response.status_code == 200
    assert response.json() == {"results": []}


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({}, 400, "text_required", "title"),
        ({"title": "  ", "description": "\n"}, 400, "text_required", "title"),
        ({"title": "排" * 201}, 400, "title_too_long", "title"),
        ({"description": "排" * 20001}, 400, "description_too_long", "description"),
        ({"title": TITLE, "latitude": 32.9}, 400, "point_incomplete", "longitude"),
        ({"title": TITLE, "latitude": 95, "longitude": 117}, 400, "point_out_of_range", "latitude"),
        ({"title": TITLE, "region": "000000"}, 400, "unknown_region", "region"),
        ({"title": TITLE, "limit": 0}, 422, "invalid_input", None),
        ({"title": TITLE, "limit": 51}, 422, "invalid_input", None),
        ({"title": TITLE, "latitude": "north"}, 422, "invalid_input", None),
        ({"title": ["a list"]}, 422, "invalid_input", None),
    ],
)
def test_bad_input_is_refused_with_a_stable_code(
    client: Client,
    regions: dict[str, Region],
    body: dict[str, Any],
    status: int,
    code: str,
    field: str | None,
) -> None:
    response = post_similar(client, body)
    assert response.status_code == status
    assert response.json()["code"] == code
    if field:
        assert response.json()["details"]["field"] == field


def test_a_refusal_is_in_the_language_of_the_request(
    client: Client, regions: dict[str, Region]
) -> None:
    refused = post_similar(client, {"title": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.json()["message"] == "请填写标题或描述，以便比较。"
    refused = post_similar(client, {"title": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.json()["message"] == "Give a title or a description to compare."


def test_lookups_count_against_a_rate_limit(
    client: Client, regions: dict[str, Region], settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {**settings.MINJIAN_RATE_LIMITS, "similar_cases": (2, 3600)}
    assert post_similar(client, {"title": TITLE}).status_code == 200
    # A refused lookup counts too.
    assert post_similar(client, {}).status_code == 400
    refused = post_similar(client, {"title": TITLE})
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0


def test_a_case_s_near_duplicates(
    client: Client, regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        case = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
        again = make_case(
            regions["340321"],
            title=TRADITIONAL["title"],
            description=TRADITIONAL["description"],
        )
        make_case(regions["340321"], title="化工厂排放废气", description="学校里的孩子咳嗽不止。")

    response = client.get(f"/api/v1/cases/{case.pk}/similar")

    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["id"] == again.pk
    assert result["text_similarity"] > 0.9
    assert client.get(f"/api/v1/cases/{case.pk}/similar", {"limit": 0}).status_code == 422


def test_a_case_the_public_cannot_read_has_no_near_duplicates_to_show(
    client: Client, regions: dict[str, Region], staff: User, committed: Committed, settings: Any
) -> None:
    with committed():
        hidden = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
        services.case_hide(actor=staff, case_id=hidden.pk, reason="false_claim", note="")
        settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
        waiting = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    assert waiting.state == Case.State.SUBMITTED

    gone = client.get(f"/api/v1/cases/{hidden.pk}/similar")
    assert (gone.status_code, gone.json()["code"]) == (410, "hidden")
    for case_id in (waiting.pk, 10**9):
        missing = client.get(f"/api/v1/cases/{case_id}/similar")
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert client.get("/api/v1/cases/0/similar").status_code == 422


def test_the_similar_cases_read_a_fixed_number_of_queries(
    client: Client,
    regions: dict[str, Region],
    committed: Committed,
    django_assert_max_num_queries: Any,
) -> None:
    with committed():
        cases = [
            make_case(
                regions["340321"],
                title=f"{TITLE}{number}",
                description=DESCRIPTION,
                photos=[jpeg_upload()] if number % 2 else [],
            )
            for number in range(8)
        ]

    # The rate limit's counter, the region, then the lookup's six (copies, buckets,
    # fingerprints, where and when, cases, photos).
    with django_assert_max_num_queries(8):
        written = post_similar(
            client, {"title": TITLE, "description": DESCRIPTION, "region": "340321"}
        )
    assert len(written.json()["results"]) == 8
    # The versions of what the stored answer shows, the case, the lookup's six.
    with django_assert_max_num_queries(8):
        near = client.get(f"/api/v1/cases/{cases[0].pk}/similar")
    assert len(near.json()["results"]) == 7
    with django_assert_max_num_queries(0):
        assert client.get(f"/api/v1/cases/{cases[0].pk}/similar").json() == near.json()
