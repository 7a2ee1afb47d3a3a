"""Every answer under /api/v1/ checked against the published OpenAPI document.

As Zulip's test client does (`validate_against_openapi_schema`), `OpenAPICheckingClient`
checks each answer an API test gets, success and refusal alike: the status is one the
document gives for that operation, the content type is one it gives for that status,
and a JSON body matches the documented schema, with no field the schema does not name.
The body of a download (CSV) is not read; its content type is. An address under
/api/v1/ that no documented operation answers must be refused with the API's error object.

The document is read where API clients read it, `/api/v1/openapi.json`, once per
test process, so this module needs nothing from the apps it checks.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
from django.http import HttpResponse, HttpResponseBase
from django.test import Client

API_PREFIX = "/api/v1/"
DOCUMENT_PATH = "/api/v1/openapi.json"
# Pages under the prefix that are about the API, not operations of it.
NOT_OPERATIONS = frozenset({DOCUMENT_PATH, "/api/v1/docs"})
JSON = "application/json"
# What an address under the prefix that no operation answers may say: that there is
# no such address (404), or that it does not take this method (405), as any refusal.
_REFUSAL = {"content": {JSON: {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
NO_OPERATION_RESPONSES = {"404": _REFUSAL, "405": _REFUSAL}


@dataclass(frozen=True)
class Operation:
    """One operation of the document: `GET /api/v1/cases/{case_id}`."""

    method: str
    path: str
    responses: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    def matches(self, method: str, parts: list[str]) -> bool:
        template = self.path.strip("/").split("/")
        return (
            self.method == method
            and len(template) == len(parts)
            and all(
                bool(part) if name.startswith("{") else name == part
                for name, part in zip(template, parts, strict=True)
            )
        )


@functools.cache
def published_document() -> dict[str, Any]:
    """The OpenAPI document as the API serves it (read once per test process)."""
    # A plain client: the document is not an operation of itself.
    response = Client().get(DOCUMENT_PATH)
    assert response.status_code == 200, f"{DOCUMENT_PATH} answered {response.status_code}"
    document: dict[str, Any] = json.loads(response.content)
    return document


@functools.cache
def documented_operations() -> tuple[Operation, ...]:
    return tuple(
        Operation(method=method.upper(), path=path, responses=details["responses"])
        for path, methods in published_document()["paths"].items()
        for method, details in methods.items()
    )


def operation_for(method: str, path: str) -> Operation | None:
    """The documented operation that answers `method` on `path` (an address, not a template)."""
    parts = path.strip("/").split("/")
    return next(
        (operation for operation in documented_operations() if operation.matches(method, parts)),
        None,
    )


@functools.cache
def _validator(schema_text: str) -> jsonschema_rs.Validator:
    # The components travel with each schema, so that its $refs resolve.
    schema = json.loads(schema_text) | {"components": published_document()["components"]}
    return jsonschema_rs.Draft202012Validator(_closed(schema), validate_formats=True)


def _closed(schema: Any) -> Any:
    """The schema with every object that lists its properties closed to others: a field
    the document does not name is a field clients cannot know of (Zulip checks the same)."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {
        # `properties` maps field names to schemas: a field may be called anything.
        key: {name: _closed(field) for name, field in value.items()}
        if key == "properties"
        else _closed(value)
        for key, value in schema.items()
    }
    if "properties" in closed and "additionalProperties" not in closed:
        closed["additionalProperties"] = False
    return closed


class UndocumentedAnswer(AssertionError):
    """An API answer the published document does not describe."""


def check_answer(method: str, path: str, response: HttpResponseBase) -> Operation | None:
    """Fail with `UndocumentedAnswer` unless the document describes this answer; the
    operation that gave it, or None for an address no operation answers."""
    if not path.startswith(API_PREFIX) or path in NOT_OPERATIONS:
        return None
    operation = operation_for(method, path)
    if operation is None:
        label, responses = f"{method} {path} (no operation)", NO_OPERATION_RESPONSES
    else:
        label, responses = operation.label, operation.responses
    status = response.status_code
    described = responses.get(str(status))
    if described is None:
        raise UndocumentedAnswer(
            f"{label} answered {status}, a status the document does not give for it "
            f"(documented: {', '.join(sorted(responses))})"
        )
    contents: dict[str, Any] = described.get("content", {})
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    if not contents:
        if _body(response):
            raise UndocumentedAnswer(
                f"{label} answered {status} with a body; the document gives none"
            )
    elif media_type not in contents:
        raise UndocumentedAnswer(
            f"{label} answered {status} as {media_type or 'no content type'}; "
            f"the document gives {', '.join(sorted(contents))}"
        )
    # A HEAD answer has no body to check.
    elif media_type == JSON and method != "HEAD":
        _check_body(label, status, _body(response), contents[JSON]["schema"])
    return operation


def _body(response: HttpResponseBase) -> bytes:
    # A streamed answer is a download: it is read by whoever asked for it, not here.
    return response.content if isinstance(response, HttpResponse) else b""


def _check_body(label: str, status: int, content: bytes, schema: dict[str, Any]) -> None:
    try:
        body = json.loads(content)
    except ValueError as error:
        raise UndocumentedAnswer(
            f"{label} answered {status} with a body that is not JSON: {error}"
        ) from error
    errors = list(_validator(json.dumps(schema, sort_keys=True)).iter_errors(body))
    if errors:
        mismatches = "\n".join(
            f"  at /{'/'.join(str(part) for part in error.instance_path)}: {error.message}"
            for error in errors[:10]
        )
        raise UndocumentedAnswer(
            f"{label} answered {status} with a body the document does not describe:\n"
            f"{mismatches}\nschema: {json.dumps(schema)}\nbody: {json.dumps(body)[:2000]}"
        )


class OpenAPICheckingClient(Client):
    """Django's test client, checking each answer under /api/v1/ against the document.

    Its API requests carry no CSRF token, as a real API client's: the API takes no session
    cookie and must not ask for one. Pages are checked for CSRF only if asked to, as ever.
    """

    def __init__(self, enforce_csrf_checks: bool = False, **defaults: Any) -> None:
        super().__init__(enforce_csrf_checks, **defaults)
        self.checks_csrf_on_pages = enforce_csrf_checks
        # Read now, before a test takes its database or cache away.
        published_document()

    def request(self, **request: Any) -> Any:
        method, path = request["REQUEST_METHOD"], request["PATH_INFO"]
        self.handler.enforce_csrf_checks = self.checks_csrf_on_pages or path.startswith(API_PREFIX)
        response = super().request(**request)
        check_answer(method, path, response)
        return response
