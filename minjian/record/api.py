"""/api/v1/record: the public record, for mirrors (contract.md)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from minjian.core.errors import NotFound
from minjian.core.schemas import ErrorOut
from minjian.record import selectors
from minjian.record.documents import checkpoint_document, entry_document

router = Router(tags=["record"])

# Short: a new entry is sealed within seconds, and a mirror polls.
MAX_AGE_SECONDS = 10
MAX_LIMIT = 1000


class EntriesQuery(Schema):
    after: Annotated[int, Field(ge=0, le=2**63 - 1)] = Field(
        0, description="Position after which to read (0 for the start)."
    )
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = Field(
        500, description="Entries per page, at most 1000."
    )


class EntryOut(Schema):
    """One sealed entry of the chain (contract.md)."""

    position: int
    subject: str = Field(description='What it is about: "case:12".')
    kind: str = Field(description='"case.published", "case.removed", ...')
    at: str = Field(description="ISO 8601 UTC with Z and microseconds, as hashed.")
    body: Any = Field(description="The public content; null when withheld to protect a person.")
    content_hash: str
    previous_hash: str
    entry_hash: str


class CheckpointOut(Schema):
    """The instance's Ed25519 signature over the chain's head (contract.md)."""

    instance: str
    position: int
    entry_hash: str
    at: str
    signature: str = Field(description="base64url without padding.")
    key_id: str


class EntriesOut(Schema):
    entries: list[EntryOut]
    next_after: int | None = Field(description="The last position returned; null when none.")
    checkpoint: CheckpointOut | None


@router.get("/entries", response=EntriesOut)
def entries(
    request: HttpRequest, response: HttpResponse, query: Query[EntriesQuery]
) -> dict[str, Any]:
    """Sealed entries after a position, in the chain's order, with the latest checkpoint."""
    page = [
        entry_document(entry)
        for entry in selectors.sealed_entries(after=query.after, limit=query.limit)
    ]
    checkpoint = selectors.latest_checkpoint()
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return {
        "entries": page,
        "next_after": page[-1]["position"] if page else None,
        "checkpoint": checkpoint_document(checkpoint) if checkpoint else None,
    }


@router.get("/checkpoint", response={200: CheckpointOut, 404: ErrorOut})
def checkpoint(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """The latest signed head of the chain."""
    latest = selectors.latest_checkpoint()
    if latest is None:
        raise NotFound(_("The record has no checkpoint yet."), code="no_checkpoint")
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return checkpoint_document(latest)
