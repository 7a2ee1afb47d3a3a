"""Bad input is refused with a clear error, never a 500, and API errors are JSON.

Numbers beyond 64 bits in ids, pages and filters, NUL and other control characters
in any text, and more files than Django reads in one upload. On PostgreSQL a NUL
or a number beyond bigint used to reach the database and fail there; on SQLite
the same numbers raised OverflowError.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.core.text import clean_text, parse_id, spreadsheet_safe
from minjian.places.models import Region
from minjian.routing.tests.helpers import subscribed

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


def _auth(user: User) -> dict[str, str]:
    _row, token = api_token_issue(actor=user, user=user, name="test")
    return {"Authorization": f"Bearer {token}"}


def _refused_as_json(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    return body


def test_clean_text_removes_controls_but_keeps_tab_and_newline() -> None:
    assert clean_text("a\x00b\x07c\x1bd\x7fe\x85f\tg\nh") == "abcdef\tg\nh"
    assert clean_text("line\r\nnext\rlast") == "line\nnext\nlast"
    assert clean_text("淮河排污 ok") == "淮河排污 ok"


def test_ids_are_ascii_digits_within_64_bits() -> None:
    assert parse_id("42") == 42
    assert parse_id(42) == 42
    assert parse_id(HUGE) is None
    assert parse_id("²") is None
    assert parse_id("0") is None
    assert parse_id("-1") is None
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    assert parse_id(str(2**63)) is None


def test_spreadsheet_safe_neutralises_formula_starts() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_safe("Union Hospital") == "Union Hospital"


def test_page_numbers_beyond_64_bits_are_refused(client: Client, regions: Any) -> None:
    for path in ("/api/v1/organisations", "/api/v1/cases"):
        body = _refused_as_json(client.get(path, {"page": HUGE}), 422, "invalid_input")
        assert body["details"]["fields"][0]["field"] == "page"


def test_ids_beyond_64_bits_are_refused(client: Client, regions: Any) -> None:
    _refused_as_json(client.get(f"/api/v1/cases/{HUGE}"), 422, "invalid_input")
    _refused_as_json(client.get(f"/api/v1/drives/{HUGE}"), 422, "invalid_input")
    assert client.get(f"/cases/{HUGE}/").status_code == 404
    assert client.get(f"/feeds/cases/{HUGE}/").status_code == 404


def test_inbox_pages_and_ids_beyond_64_bits_are_refused(
    client: Client, regions: dict[str, Region], user: User
) -> None:
    subscribed("watchers", admins=(user,))
    headers = _auth(user)
    _refused_as_json(
        client.get("/api/v1/inbox/watchers", {"page": HUGE}, headers=headers), 422, "invalid_input"
    )
    _refused_as_json(
        client.get(f"/api/v1/inbox/watchers/cases/{HUGE}", headers=headers), 422, "invalid_input"
    )
    _refused_as_json(
        client.post(
            f"/api/v1/inbox/watchers/cases/{HUGE}/note",
            {"note": "x"},
            content_type="application/json",
            headers=headers,
        ),
        422,
        "invalid_input",
    )


def test_a_nul_in_a_filter_is_removed_not_a_500(client: Client, regions: Any) -> None:
    make_case(regions["340321"])
    response = client.get("/api/v1/cases", {"topic": "\x00"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    response = client.get("/api/v1/organisations", {"region": "34\x000000"})
    assert response.status_code == 200
    assert client.get("/cases/", {"q": "淮河\x00"}).status_code == 200


def test_a_nul_in_a_path_is_no_page(client: Client, regions: Any) -> None:
    _refused_as_json(client.get("/api/v1/topics/%00"), 404, "not_found")
    _refused_as_json(client.get("/api/v1/regions/34%000000"), 404, "not_found")
    assert client.get("/orgs/%00/").status_code == 404


def test_control_characters_in_a_report_are_removed_before_it_is_stored(
    client: Client, regions: Any
) -> None:
    response = client.post(
        "/api/v1/cases",
        {
            "title": "排污\x00口\x1b[31m",
            "description": "夜里\x07排黑水\r\n第二行",
            "topic": "environment",
            "region": "340321",
        },
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert case.title == "排污口[31m"
    assert case.description == "夜里排黑水\n第二行"


def test_control_characters_in_a_json_body_are_removed(
    client: Client, regions: dict[str, Region], user: User, django_capture_on_commit_callbacks: Any
) -> None:
    subscribed("watchers", topic="environment", admins=(user,))
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(regions["340321"])
    response = client.post(
        f"/api/v1/inbox/watchers/cases/{case.pk}/note",
        {"note": "内部\x00备注\x9b"},
        content_type="application/json",
        headers=_auth(user),
    )
    assert response.status_code == 201, response.content
    assert case.events.get(kind="internal_note").payload["note"] == "内部备注"


def _files(count: int) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"photo-{n}.jpg", b"not really a photo", content_type="image/jpeg")
        for n in range(count)
    ]


def test_twenty_one_files_in_one_upload_are_refused_in_json(client: Client, regions: Any) -> None:
    response = client.post(
        "/api/v1/cases",
        {"title": "排污", "description": "黑水", "topic": "environment", "region": "340321"}
        | {"photos": _files(21)},
    )
    body = _refused_as_json(response, 400, "too_many_files")
    assert body["details"]["field"] == "photos"
    assert not Case.objects.exists()


def test_twenty_one_files_in_the_report_form_are_a_clear_refusal(
    client: Client, regions: Any
) -> None:
    response = client.post(
        "/cases/report/",
        {"title": "排污", "description": "黑水", "photos": _files(21)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Too many files were sent at once" in response.content.decode()
    assert not Case.objects.exists()


def test_a_malformed_upload_is_refused_in_json(client: Client) -> None:
    response = client.generic(
        "POST",
        "/api/v1/cases",
        io.BytesIO(b"--x\r\nbroken").read(),
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unreadable_form"


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_address_under_the_api_that_no_operation_answers_is_json(
    client: Client, method: str
) -> None:
    response = getattr(client, method)("/api/v1/no-such-thing/1", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_query_string_with_too_many_fields_is_refused_in_json(client: Client) -> None:
    response = client.get("/api/v1/topics", _too_many_fields())

    _refused_as_json(response, 400, "too_many_fields")


def test_a_query_string_with_too_many_fields_is_a_clear_refusal_on_a_page(client: Client) -> None:
    response = client.get("/cases/", _too_many_fields(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Too many fields were sent at once." in response.content.decode()


def _too_many_fields() -> dict[str, str]:
    return {f"field-{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}


def test_a_json_body_too_large_to_read_is_refused_in_json(client: Client, user: User) -> None:
    note = "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(
        "/api/v1/inbox/watchers/cases/1/note",
        {"note": note},
        content_type="application/json",
        headers=_auth(user),
    )

    _refused_as_json(response, 413, "request_too_large")


def test_a_form_sent_to_an_operation_that_reads_no_body_is_refused_in_json(
    client: Client,
) -> None:
    response = client.generic(
        "POST",
        "/api/v1/drives/1/allocation-rounds",
        b"--x\r\nbroken",
        content_type="multipart/form-data; boundary=",
    )

    _refused_as_json(response, 400, "unreadable_form")


def test_the_api_root_is_no_operation_and_says_so_in_json(client: Client) -> None:
    _refused_as_json(client.get("/api/v1/"), 404, "not_found")


@pytest.mark.parametrize("method", ["put", "delete", "patch", "head"])
def test_a_method_an_api_address_does_not_take_is_refused_in_json(
    client: Client, method: str
) -> None:
    response = getattr(client, method)("/api/v1/topics", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    if method != "head":
        body = _refused_as_json(response, 405, "method_not_allowed")
        assert body["message"] == f"This API address does not take {method.upper()} requests."


def test_a_token_id_beyond_64_bits_is_no_page(client: Client, user: User) -> None:
    client.force_login(user)
    assert client.post(f"/accounts/tokens/{HUGE}/revoke/").status_code == 404
