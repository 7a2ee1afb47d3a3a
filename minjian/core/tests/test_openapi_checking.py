"""The checking client's judge: each way an answer can stray from the published document
fails with a message naming the operation, the status and the mismatch."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse

from minjian.core.tests.openapi import UndocumentedAnswer, check_answer, operation_for

TOPIC = {"slug": "environment", "name": "Environment", "name_zh": "环境", "name_en": "Environment"}
REFUSAL = {"code": "unknown_topic", "message": "No such topic.", "details": {}}


def _json(body: object, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body), content_type="application/json", status=status)


def _refusal_message(method: str, path: str, response: HttpResponse) -> str:
    with pytest.raises(UndocumentedAnswer) as refused:
        check_answer(method, path, response)
    return str(refused.value)


def test_answers_as_documented_pass_with_their_operation() -> None:
    listed = check_answer("GET", "/api/v1/topics", _json([TOPIC]))
    refused = check_answer("GET", "/api/v1/topics/weather", _json(REFUSAL, status=404))

    assert listed is not None and listed.label == "GET /api/v1/topics"
    assert refused is not None and refused.label == "GET /api/v1/topics/{slug}"


def test_a_status_the_operation_does_not_document_fails() -> None:
    message = _refusal_message("GET", "/api/v1/topics", _json(REFUSAL, status=409))

    assert message.startswith("GET /api/v1/topics answered 409, a status the document")
    assert "documented: 200, 400, 401, 503" in message


def test_a_content_type_the_status_does_not_document_fails() -> None:
    page = HttpResponse("<p>Environment</p>", content_type="text/html")

    message = _refusal_message("GET", "/api/v1/topics/environment", page)

    assert "GET /api/v1/topics/{slug} answered 200 as text/html" in message


def test_a_body_missing_a_documented_field_fails() -> None:
    message = _refusal_message("GET", "/api/v1/topics/environment", _json(TOPIC | {"name": None}))

    assert "answered 200 with a body the document does not describe" in message
    assert 'at /name: null is not of type "string"' in message


def test_a_field_the_document_does_not_name_fails() -> None:
    message = _refusal_message("GET", "/api/v1/topics", _json([TOPIC | {"colour": "green"}]))

    assert "at /0: Additional properties are not allowed ('colour' was unexpected)" in message


def test_a_download_is_checked_for_its_content_type_not_read() -> None:
    path = "/api/v1/drives/1/ledger.csv"

    assert check_answer("GET", path, HttpResponse("a,b\n", content_type="text/csv"))
    assert "answered 200 as application/json" in _refusal_message("GET", path, _json([]))


def test_an_address_no_operation_answers_must_be_refused_in_json() -> None:
    refused = _json(
        {"code": "not_found", "message": "There is no such API address.", "details": {}}
    )
    page = HttpResponse("Not found", content_type="text/html", status=404)

    assert check_answer("GET", "/api/v1/nowhere", _json(REFUSAL, status=404)) is None
    assert check_answer("DELETE", "/api/v1/topics", _json(REFUSAL, status=405)) is None
    assert "(no operation) answered 200" in _refusal_message("GET", "/api/v1/nowhere", refused)
    assert "(no operation) answered 404 as text/html" in _refusal_message(
        "GET", "/api/v1/nowhere", page
    )


def test_a_template_takes_any_value_for_its_parameters_and_only_its_own_words() -> None:
    hxl = operation_for("GET", "/api/v1/drives/7/ledger.hxl")

    assert hxl is not None and hxl.path == "/api/v1/drives/{drive_id}/ledger.hxl"
    assert operation_for("GET", "/api/v1/drives/7/ledger.pdf") is None
    assert operation_for("POST", "/api/v1/drives/7/ledger.hxl") is None
