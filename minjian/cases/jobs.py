"""Background work of cases: preparing the photos of a report, deleting stale drafts."""

from __future__ import annotations

from minjian.cases import services, services_drafts, services_photos
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
