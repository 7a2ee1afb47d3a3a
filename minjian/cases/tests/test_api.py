"""The cases API as a client meets it: multipart submit, filtered pages, one case, JSON errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import (
    camera_photo,
    image_bytes,
    jpeg_upload,
    png_claiming_size,
    upload,
)
from minjian.places.models import Region
from minjian.places.tests.factories import make_bounded_regions

pytestmark = pytest.mark.django_db

REPORT = {
    "title": "淮河边造纸厂夜间排污",
    "description": "每天夜里十点以后，排污口流出黑色的水。",
    "topic": "environment",
    "region": "340321",
}


def post_case(client: Client, data: dict[str, Any], **headers: Any) -> Any:
    return client.post("/api/v1/cases", data, **headers)


def test_anonymous_report_with_photos_becomes_a_public_case(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post_case(
            client,
            REPORT
            | {
                "latitude": "32.94",
                "longitude": "117.36",
                "photos": [camera_photo("DSCN0010.jpg"), jpeg_upload()],
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == REPORT["title"]
    # Public only once faces are blurred on its photos, which the jobs did after the answer.
    assert body["state"] == "submitted"
    assert body["topic"]["slug"] == "environment" and body["region"]["code"] == "340321"
    # Coarsened to the centre of its ~1 km grid cell unless the reporter asks for exact.
    assert (body["latitude"], body["longitude"]) == (32.945, 117.365)
    assert body["location_precision"] == "approximate"
    assert len(body["receipt_code"]) == 24
    # Faces are found and blurred after the answer, in the background.
    assert (body["photos"], body["photos_preparing"]) == ([], 2)
    prepared = client.get(f"/api/v1/cases/{body['id']}").json()
    assert len(prepared["photos"]) == 2 and prepared["photos_preparing"] == 0
    assert prepared["state"] == "published"
    assert [e["kind"] for e in prepared["timeline"]] == ["submitted", "published"]
    assert body["timeline"][0]["actor"] == "the reporter"
    assert Case.objects.get().reporter is None


def test_report_with_a_token_belongs_to_the_account(
    client: Client, regions: dict[str, Region], user: User
) -> None:
    _, token = api_token_issue(actor=user, user=user, name="phone")
    response = post_case(client, REPORT, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201
    assert Case.objects.get().reporter == user


@pytest.mark.parametrize("with_photo", [False, True], ids=["published at once", "photo preparing"])
def test_the_answer_to_a_report_is_the_case_as_its_reporter_reads_it_again(
    client: Client,
    regions: dict[str, Region],
    user: User,
    settings: Any,
    with_photo: bool,
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = False
    _, token = api_token_issue(actor=user, user=user, name="phone")
    authorised: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_ACCEPT_LANGUAGE": "en",
    }
    photos = {"photos": [jpeg_upload()]} if with_photo else {}
    with CaptureQueriesContext(connection) as queries:
        answer = post_case(client, REPORT | photos, **authorised).json()
    # The answer is made from what filing wrote: the case is not read again.
    case_tables = ('"cases_case"', '"cases_caseevent"', '"cases_casephoto"')
    assert not [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT") and any(t in query["sql"] for t in case_tables)
    ]
    again = client.get(f"/api/v1/cases/{answer['id']}", **authorised).json()
    assert answer.pop("receipt_code") is None
    assert answer == again
    assert answer["state"] == ("submitted" if with_photo else "published")
    assert [entry["kind"] for entry in answer["timeline"]] == (
        ["submitted"] if with_photo else ["submitted", "published"]
    )


def test_wrong_token_is_refused_with_json(client: Client, regions: dict[str, Region]) -> None:
    response = post_case(client, REPORT, HTTP_AUTHORIZATION="Bearer mj_not-a-token")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert not Case.objects.exists()


def _leaves_nothing() -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not Case.objects.exists() and not (
        media.exists() and any(p.is_file() for p in media.rglob("*"))
    )


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"title": ""}, 400, "title_required"),
        ({"topic": "weather"}, 400, "unknown_topic"),
        ({"region": "000000"}, 400, "unknown_region"),
        ({"latitude": "95", "longitude": "117"}, 400, "point_out_of_range"),
        ({"latitude": "32"}, 400, "point_incomplete"),
        ({"photos": [upload("page.jpg", b"<html>hello</html>")]}, 400, "photo_format"),
        (
            {"photos": [upload("bomb.png", png_claiming_size(40000, 40000), "image/png")]},
            400,
            "photo_too_many_pixels",
        ),
        (
            {"photos": [upload("cut.jpg", image_bytes("JPEG", size=(300, 200))[:400])]},
            400,
            "photo_unreadable",
        ),
        ({"photos": [jpeg_upload() for _ in range(11)]}, 400, "too_many_photos"),
    ],
)
def test_bad_report_gets_a_json_error_and_leaves_nothing(
    client: Client, regions: dict[str, Region], changes: dict[str, Any], status: int, code: str
) -> None:
    data = {k: v for k, v in (REPORT | changes).items() if v != ""}
    response = post_case(client, data)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert isinstance(body["details"], dict)
    assert _leaves_nothing()


def test_photo_over_the_size_limit_is_refused(
    client: Client, regions: dict[str, Region], settings: Any
) -> None:
    settings.MINJIAN_MAX_PHOTO_BYTES = 2048
    big = upload("big.png", image_bytes("PNG", size=(200, 200)) + b"\0" * 4096, "image/png")
    response = post_case(client, REPORT | {"photos": [big]})
    assert response.status_code == 400
    assert response.json()["code"] == "photo_too_large"
    assert _leaves_nothing()


def test_error_message_follows_the_request_language(
    client: Client, regions: dict[str, Region]
) -> None:
    english = post_case(client, REPORT | {"topic": "weather"}, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = post_case(
        client, REPORT | {"topic": "weather"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()
    assert english["message"] == "Choose one of the listed topics."
    assert chinese["message"] != english["message"]


def test_case_under_review_is_not_found_for_others(
    client: Client, regions: dict[str, Region], settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    case = make_case(regions["420102"])
    response = client.get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_detail_has_timeline(client: Client, regions: dict[str, Region]) -> None:
    case = make_case(regions["420102"])
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert body["description"] == "每天夜里排放黑色污水。"
    assert [e["kind"] for e in body["timeline"]] == ["submitted", "published"]
    assert body["timeline"][1]["actor"] is None


def test_openapi_document_describes_the_case_endpoints(client: Client, db: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}"} <= set(document["paths"])
    post = document["paths"]["/api/v1/cases"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert "photo_too_large" in post["description"]


def test_a_report_with_a_point_and_no_region_is_filed_under_the_county_that_holds_it(
    client: Client, regions: dict[str, Region]
) -> None:
    make_bounded_regions(regions)
    point = {"latitude": "32.97", "longitude": "117.19"}

    filed = post_case(client, REPORT | point | {"region": ""})
    at_sea = post_case(client, REPORT | {"region": "", "latitude": "30.0", "longitude": "125.0"})

    assert filed.status_code == 201 and filed.json()["region"]["code"] == "340321"
    assert at_sea.status_code == 400 and at_sea.json()["code"] == "no_region_here"
    assert Case.objects.count() == 1
