"""The walks of the coalitions' API operations for `minjian.core.tests.test_api_walk`: a
request each operation grants and one it refuses, as (success, refusal, (status, code))."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minjian.coalitions.models import Option
from minjian.coalitions.tests.factories import close_now, make_coalition, open_proposal, vote

NO_SUCH_ID = 2**62

# (client, world) -> response; the world is the walk's, of no use to coalitions.
Request = Callable[[Any, Any], Any]


def _coalition_with_a_decision(client: Any, _world: Any) -> Any:
    made = make_coalition(2)
    proposal = open_proposal(made)
    vote(made.members[1], proposal, Option.AGREE)
    close_now(proposal)
    return client.get(f"/api/v1/coalitions/{made.coalition.pk}")


def _coalitions(client: Any, _world: Any) -> Any:
    make_coalition(2)
    return client.get("/api/v1/coalitions")


COALITION_WALKS: dict[str, tuple[Request, Request, tuple[int, str]]] = {
    "GET /api/v1/coalitions": (
        _coalitions,
        lambda client, _world: client.get("/api/v1/coalitions", {"page": 0}),
        (422, "invalid_input"),
    ),
    "GET /api/v1/coalitions/{coalition_id}": (
        _coalition_with_a_decision,
        lambda client, _world: client.get(f"/api/v1/coalitions/{NO_SUCH_ID}"),
        (404, "not_found"),
    ),
}
