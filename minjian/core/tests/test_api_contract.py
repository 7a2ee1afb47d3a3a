"""The API answers as its published OpenAPI document says, whatever it is sent.

Schemathesis reads the live document (`/api/v1/openapi.json`) and, for every
operation, sends a bounded number of generated requests, valid and invalid, once
without a token and once with a member's token, against real rows (cases, an
organisation's inbox, an aid drive). Each answer must not be a 5xx, must have a
documented status and content type, and its body must match the documented schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.aid.tests.factories import accepted_pledge, add_need, add_recipient, make_drive
from minjian.api import api
from minjian.places.models import Region
from minjian.routing.tests.helpers import published, subscribed

# Per operation, per kind of data (valid, invalid) and per set of path parameters:
# enough to meet the odd values (NUL, huge numbers, empty strings) within a minute.
EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The project's WSGI application, inside the test's transaction: as Django's test
    client does, the start and end of a request must not close the test's connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def real_rows(
    regions: dict[str, Region], django_capture_on_commit_callbacks: Callable[..., Any]
) -> dict[str, Any]:
    """A member of a verified organisation with cases in its inbox, and an aid drive
    with a recipient, a need and a pledge: the path parameters the runs also use."""
    member = make_user("contract-member")
    organisation = subscribed(
        "contract-watch", topic="environment", region=regions["340000"], admins=(member,)
    )
    case = published(django_capture_on_commit_callbacks, regions["340321"], reporter=member)
    published(django_capture_on_commit_callbacks, regions["340321"], title="第二个案例")
    setup = make_drive(organiser=member)
    recipient = add_recipient(setup, "Union Hospital")
    masks = setup.drive.items.first()
    assert masks is not None
    add_need(setup, recipient, masks, 100)
    pledge_id = accepted_pledge(setup, masks, 40, donor=make_user("contract-donor"))
    return {
        "member": member,
        "path_parameters": {
            "case_id": case.pk,
            "org_slug": organisation.slug,
            "slug": organisation.slug,
            "code": "340000",
            "drive_id": setup.drive.pk,
            "pledge_id": pledge_id,
        },
    }


def _token(user: User) -> str:
    _row, token = api_token_issue(actor=user, user=user, name="contract")
    return token


def _run(schema: Any, *, headers: dict[str, str], path_parameters: dict[str, Any]) -> list[str]:
    """Every operation, with valid and invalid data; the first failure of each."""
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {parameter.name for parameter in operation.path_parameters}
        fixed = {name: value for name, value in path_parameters.items() if name in names}
        variants: list[tuple[GenerationMode, dict[str, Any]]] = [
            (GenerationMode.POSITIVE, {}),
            (GenerationMode.NEGATIVE, {}),
        ]
        if fixed:
            variants.append((GenerationMode.POSITIVE, fixed))
        for mode, parameters in variants:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=parameters)
            _examples(strategy, operation.label, headers, failures)
    return [f"{label}: {text}" for label, text in failures.items()]


def _examples(strategy: Any, label: str, headers: dict[str, str], failures: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def send(case: Any) -> None:
        # Exactly the token of this run, or none: not one the generator made up. Answers
        # uncompressed, as schemathesis reads them (compression: core/tests/test_slow_link.py).
        case.headers = (
            {
                name: value
                for name, value in (case.headers or {}).items()
                if name.lower() not in {"authorization", "accept-encoding"}
            }
            | headers
            | {"Accept-Encoding": "identity"}
        )
        response = case.call()
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as failure:
            failures.setdefault(label, str(failure)[:2000])

    try:
        send()
    except Unsatisfiable:
        # No invalid request exists for an operation that takes nothing.
        return


@pytest.mark.django_db
def test_every_operation_answers_as_documented_without_a_token(
    wsgi_app: WSGIHandler, real_rows: dict[str, Any]
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures = _run(schema, headers={}, path_parameters=real_rows["path_parameters"])
    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db
def test_every_operation_answers_as_documented_with_a_token(
    wsgi_app: WSGIHandler, real_rows: dict[str, Any]
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    headers = {"Authorization": f"Bearer {_token(real_rows['member'])}"}
    failures = _run(schema, headers=headers, path_parameters=real_rows["path_parameters"])
    assert not failures, "\n\n".join(failures)


def test_no_two_api_schemas_share_a_name() -> None:
    """Each schema class the operations use has a name of its own in the document;
    today `TopicRef`, `RegionRef`, `FiguresOut` and `EventOut` of two apps collapsed
    into one, and /cases was documented with the organisations' shapes."""
    names: dict[str, set[type]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                models = [*operation.models, *operation.response_models.values()]
                for model in models:
                    for found in _schema_classes(model):
                        names.setdefault(found.__name__, set()).add(found)
    shared = {name: classes for name, classes in names.items() if len(classes) > 1}
    assert not shared, f"schema names used by more than one class: {shared}"


def _schema_classes(annotation: Any, seen: set[Any] | None = None) -> Iterator[type]:
    from pydantic import BaseModel

    seen = set() if seen is None else seen
    if id(annotation) in seen:
        return
    seen.add(id(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation.__module__.startswith("minjian."):
            yield annotation
        for field in annotation.model_fields.values():
            yield from _schema_classes(field.annotation, seen)
    for argument in getattr(annotation, "__args__", ()):
        yield from _schema_classes(argument, seen)


@pytest.mark.django_db
def test_the_documented_case_list_matches_what_it_answers(
    client: Any, regions: dict[str, Region], user: User
) -> None:
    from minjian.cases.tests.factories import make_case

    make_case(regions["340321"], reporter=user)
    document = client.get("/api/v1/openapi.json").json()
    topic = document["components"]["schemas"]["CaseTopicOut"]
    answered = client.get("/api/v1/cases").json()["results"][0]["topic"]
    assert set(topic["required"]) == set(answered) == {"slug", "name"}


def test_anonymous_reads_are_documented_as_needing_no_token(client: Any) -> None:
    document = json.loads(client.get("/api/v1/openapi.json").content)
    list_cases = document["paths"]["/api/v1/cases"]["get"]
    assert {} in list_cases["security"]
    assert {"BearerToken": []} in list_cases["security"]
    me = document["paths"]["/api/v1/accounts/me"]["get"]
    assert me["security"] == [{"BearerToken": []}]
    inbox = document["paths"]["/api/v1/inbox/{org_slug}"]["get"]
    assert {} not in inbox["security"]


def test_error_statuses_are_documented_with_the_error_schema(client: Any) -> None:
    document = json.loads(client.get("/api/v1/openapi.json").content)
    paths = document["paths"]
    error = {"$ref": "#/components/schemas/ErrorOut"}

    def schema_of(path: str, method: str, status: str) -> Any:
        return paths[path][method]["responses"][status]["content"]["application/json"]["schema"]

    assert schema_of("/api/v1/cases", "post", "429") == error
    assert schema_of("/api/v1/cases", "get", "401") == error
    assert schema_of("/api/v1/cases", "get", "422") == error
    assert schema_of("/api/v1/cases/{case_id}", "get", "410") == error
    assert schema_of("/api/v1/drives/{drive_id}/pledges", "post", "409") == error
    # What CleanInputMiddleware cannot read: any request, and the body of any POST.
    assert schema_of("/api/v1/topics", "get", "400") == error
    assert schema_of("/api/v1/drives/{drive_id}/allocation-rounds", "post", "413") == error
    # An operation without parameters cannot refuse its input.
    assert "422" not in paths["/api/v1/topics"]["get"]["responses"]
