"""Background work of cases: preparing the photos of a report."""

from __future__ import annotations

from minjian.cases import services_photos
from minjian.jobs import job


@job
def prepare_case_photo(photo_id: int) -> None:
    """Find and blur the faces of a kept upload and publish its re-encoded pixels."""
    services_photos.case_photo_prepare(photo_id=photo_id)
