"""The walks of the public record's API operations for `minjian.core.tests.test_api_walk`:
a request each operation grants and one it refuses, as (success, refusal, (status, code))."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minjian.record.models import Checkpoint
from minjian.record.services import append, seal_record

# (client, world) -> response; the world is the walk's, of no use to the record.
Request = Callable[[Any, Any], Any]


def _sealed(path: str) -> Request:
    def request(client: Any, _world: Any) -> Any:
        append("case:1", "case.published", {"id": 1, "title": "淮河夜里排污"})
        seal_record()
        return client.get(path)

    return request


def _before_the_first_seal(client: Any, _world: Any) -> Any:
    """An instance that has not sealed its record yet (a new one) has no checkpoint; the
    world's jobs sealed its record, so its checkpoints are taken away first."""
    Checkpoint.objects.all().delete()
    return client.get("/api/v1/record/checkpoint")


RECORD_WALKS: dict[str, tuple[Request, Request, tuple[int, str]]] = {
    "GET /api/v1/record/entries": (
        _sealed("/api/v1/record/entries"),
        lambda client, _world: client.get("/api/v1/record/entries", {"limit": 0}),
        (422, "invalid_input"),
    ),
    "GET /api/v1/record/checkpoint": (
        _sealed("/api/v1/record/checkpoint"),
        _before_the_first_seal,
        (404, "no_checkpoint"),
    ),
}
