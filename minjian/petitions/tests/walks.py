"""The walks of the petitions' API operations for `minjian.core.tests.test_api_walk`: a
request each operation grants and one it refuses, as (success, refusal, (status, code)).
Each makes the petition it needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minjian.accounts.tests.factories import make_user
from minjian.petitions.models import Petition
from minjian.petitions.tests.factories import make_petition

NO_SUCH_ID = 2**62

# (client, world) -> response; the world is the walk's (a public case, tokens).
Request = Callable[[Any, Any], Any]


def _petition() -> Petition:
    return make_petition(make_user("walk-petition-author"))


def _sign(client: Any, petition_id: int, headers: dict[str, str]) -> Any:
    # A form, as a browser's; the stranger's token spares her the proof of work.
    return client.post(f"/api/v1/petitions/{petition_id}/signatures", {}, headers=headers)


PETITION_WALKS: dict[str, tuple[Request, Request, tuple[int, str]]] = {
    "GET /api/v1/petitions": (
        lambda client, _world: (_petition(), client.get("/api/v1/petitions"))[1],
        lambda client, _world: client.get("/api/v1/petitions", {"state": "draft"}),
        (400, "unknown_state"),
    ),
    "GET /api/v1/petitions/{petition_id}": (
        lambda client, _world: client.get(f"/api/v1/petitions/{_petition().pk}"),
        lambda client, _world: client.get(f"/api/v1/petitions/{NO_SUCH_ID}"),
        (404, "not_found"),
    ),
    "POST /api/v1/petitions/{petition_id}/signatures": (
        lambda client, world: _sign(client, _petition().pk, world.stranger),
        lambda client, world: _sign(client, NO_SUCH_ID, world.stranger),
        (404, "not_found"),
    ),
}
