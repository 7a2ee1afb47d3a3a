"""The walks of the similar cases' API operations for `minjian.core.tests.test_api_walk`: a
request each operation grants and one it refuses, as (success, refusal, (status, code)).
Each indexes the walk's public case and a second report of it, as their jobs would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minjian.cases.services_similarity import case_fingerprint_update
from minjian.cases.tests.factories import make_case

# (client, world) -> response; the world is the walk's (a public case, tokens).
Request = Callable[[Any, Any], Any]
# Far past any id a test run reaches.
NO_SUCH_ID = 2**62


def _reported_twice(world: Any) -> None:
    again = make_case(world.case.region, title=world.case.title, description=world.case.description)
    for case_id in (world.case.pk, again.pk):
        case_fingerprint_update(case_id)


def _similar_to_text(body: dict[str, Any]) -> Request:
    def request(client: Any, world: Any) -> Any:
        _reported_twice(world)
        return client.post(
            "/api/v1/cases/similar",
            {"title": world.case.title, "description": world.case.description} | body,
            content_type="application/json",
        )

    return request


def _similar_to_case(client: Any, world: Any) -> Any:
    _reported_twice(world)
    return client.get(f"/api/v1/cases/{world.case.pk}/similar")


SIMILAR_WALKS: dict[str, tuple[Request, Request, tuple[int, str]]] = {
    "POST /api/v1/cases/similar": (
        _similar_to_text({"latitude": 32.94, "longitude": 117.36}),
        _similar_to_text({"region": "999999"}),
        (400, "unknown_region"),
    ),
    "GET /api/v1/cases/{case_id}/similar": (
        _similar_to_case,
        lambda client, _world: client.get(f"/api/v1/cases/{NO_SUCH_ID}/similar"),
        (404, "not_found"),
    ),
}
