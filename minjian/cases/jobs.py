"""Background work of cases: preparing the photos of a report, deleting stale drafts,
keeping the similar-case index in step."""

from __future__ import annotations

from minjian.cases import (
    services,
    services_drafts,
    services_merge,
    services_photos,
    services_similarity,
)
from minjian.jobs import job


@job
def prepare_case_photo(photo_id: int) -> None:
    """Find and blur the faces of a kept upload and publish its re-encoded pixels; then
    publish its case if it was waiting for its photos (a run after a crash between the
    two steps finds the photo done and publishes)."""
    case_id = services_photos.case_photo_prepare(photo_id=photo_id)
    if case_id is not None:
        services.case_publish_once_photos_ready(case_id=case_id)


@job
def delete_stale_photo_drafts() -> None:
    """Delete the photos kept for forms that were never sent."""
    services_drafts.photo_drafts_delete_stale()


@job
def update_case_fingerprint(case_id: int) -> None:
    """Make the case's entry in the similar-case index match the case now, then suggest
    the public cases most like it to verifiers as duplicates (both idempotent). One job,
    not one deferring the other: in a surge of reports every job is a queue round trip
    the backlog has to drain."""
    services_similarity.case_fingerprint_update(case_id)
    services_merge.duplicates_suggest(case_id=case_id)
