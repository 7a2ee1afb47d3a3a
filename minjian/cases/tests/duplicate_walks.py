"""The walks of the duplicates' API operations for `minjian.core.tests.test_api_walk`: a
request each operation grants and one it refuses, as (success, refusal, (status, code)).
Each makes the verifier and the suggestion it needs beside the walk's public case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.cases.models import DuplicateSuggestion
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.test_merge import make_verifier

# (client, world) -> response; the world is the walk's (a public case, tokens).
Request = Callable[[Any, Any], Any]


def _verifier() -> dict[str, str]:
    verifier: User = make_verifier("walk-duplicates", slug="walk-duplicates")[0]
    _row, token = api_token_issue(actor=verifier, user=verifier, name="walk")
    return {"Authorization": f"Bearer {token}"}


def _suggested(world: Any) -> DuplicateSuggestion:
    """The walk's public case, and a later report of it suggested as its duplicate."""
    later = make_case(world.case.region, title="淮河边造纸厂夜里排污", description="又看到了。")
    return DuplicateSuggestion.objects.create(case=later, original=world.case, score=0.9)


def _decide(action: str, token: Callable[[Any], dict[str, str]]) -> Request:
    def request(client: Any, world: Any) -> Any:
        suggestion = _suggested(world)
        return client.post(f"/api/v1/duplicates/{suggestion.pk}/{action}", headers=token(world))

    return request


def _queue(client: Any, world: Any) -> Any:
    _suggested(world)
    return client.get("/api/v1/duplicates", headers=_verifier())


DUPLICATE_WALKS: dict[str, tuple[Request, Request, tuple[int, str]]] = {
    "GET /api/v1/duplicates": (
        _queue,
        lambda client, world: client.get("/api/v1/duplicates", headers=world.stranger),
        (403, "not_a_verifier"),
    ),
    "POST /api/v1/duplicates/{suggestion_id}/confirm": (
        _decide("confirm", lambda _world: _verifier()),
        _decide("confirm", lambda world: world.stranger),
        (403, "not_a_verifier"),
    ),
    "POST /api/v1/duplicates/{suggestion_id}/reject": (
        _decide("reject", lambda _world: _verifier()),
        _decide("reject", lambda world: world.stranger),
        (403, "not_a_verifier"),
    ),
}
