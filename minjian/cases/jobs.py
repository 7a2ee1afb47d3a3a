"""Background work of cases: preparing the photos of a report, deleting stale drafts."""

from __future__ import annotations

from minjian.cases import services_drafts, services_photos
from minjian.jobs import job


@job
def prepare_case_photo(photo_id: int) -> None:
    """Find and blur the faces of a kept upload and publish its re-encoded pixels."""
    services_photos.case_photo_prepare(photo_id=photo_id)


@job
def delete_stale_photo_drafts() -> None:
    """Delete the photos kept for forms that were never sent."""
    services_drafts.photo_drafts_delete_stale()
