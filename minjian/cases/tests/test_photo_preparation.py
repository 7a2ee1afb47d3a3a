"""A report's photos are checked while the reporter waits and prepared in the background:
one request never decodes more than a bounded number of pixels, and never looks for faces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, override_settings

from minjian.cases.jobs import prepare_case_photo
from minjian.cases.models import Case, CasePhoto
from minjian.cases.services_photos import case_photo_prepare
from minjian.cases.tests.images import image_bytes, jpeg_upload, upload
from minjian.jobs.models import PendingJob
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

REPORT = {
    "title": "River outlet runs black at night",
    "description": "Under the bridge, from two in the morning.",
    "topic": "environment",
    "region": "340321",
}


def _stored() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# The Redis backend writes each job to the database outbox in the deferring transaction
# (and would send it on commit, which this test holds back).
@override_settings(MINJIAN_JOBS_BACKEND="redis")
def test_the_report_is_answered_before_faces_are_looked_for(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/api/v1/cases", REPORT | {"photos": [jpeg_upload()]})
    assert response.status_code == 201
    photo = CasePhoto.objects.get()
    # Kept, private, with the job to prepare it in the outbox of the same transaction.
    assert photo.status == CasePhoto.Status.PREPARING and not photo.image
    assert _stored() == [photo.upload.name] and photo.upload.name.startswith("incoming/")
    job = PendingJob.objects.get(name="minjian.cases.jobs.prepare_case_photo")
    assert job.args == [photo.pk]
    # Not public while faces may still be on its photo.
    assert Client().get(f"/cases/{photo.case_id}/").status_code == 404

    # The jobs that publication defers (routing, notices) run here, not through Redis.
    with (
        override_settings(MINJIAN_JOBS_BACKEND="inline"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        prepare_case_photo(photo.pk)
    photo.refresh_from_db()
    assert photo.status == CasePhoto.Status.READY and photo.upload.name == ""
    assert sorted([photo.image.name, photo.thumbnail.name, photo.small.name]) == _stored()
    assert Client().get(f"/cases/{photo.case_id}/").status_code == 200


def test_preparing_twice_changes_nothing(
    regions: dict[str, Region], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/cases", REPORT | {"photos": [jpeg_upload()]})
    photo = CasePhoto.objects.get()
    before = _stored()
    case_photo_prepare(photo_id=photo.pk)
    assert _stored() == before
    assert CasePhoto.objects.get().image.name == photo.image.name


@override_settings(MINJIAN_MAX_PIXELS_PER_REQUEST=100_000)
def test_photos_beyond_the_pixel_budget_of_one_request_are_refused_and_nothing_is_kept(
    client: Client, regions: dict[str, Region]
) -> None:
    def photos(count: int) -> list[Any]:
        return [jpeg_upload(f"{n}.jpg", size=(200, 200)) for n in range(count)]

    response = client.post(
        "/api/v1/cases", REPORT | {"photos": photos(3)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "photos_too_many_pixels"
    assert "add the others afterwards" in response.json()["message"]
    assert not Case.objects.exists() and _stored() == []
    two = client.post("/api/v1/cases", REPORT | {"photos": photos(2)})
    assert two.status_code == 201


def test_a_photo_that_cannot_be_prepared_is_never_shown_and_its_upload_is_deleted(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            "/api/v1/cases",
            REPORT | {"photos": [upload("p.png", image_bytes("PNG"), "image/png")]},
        )
    photo = CasePhoto.objects.get()
    # The stored upload was damaged after the request checked it.
    default_storage.delete(photo.upload.name)
    default_storage.save(photo.upload.name, ContentFile(b"\x89PNG\r\n\x1a\nbroken"))
    with django_capture_on_commit_callbacks(execute=True):
        prepare_case_photo(photo.pk)
    photo.refresh_from_db()
    assert photo.status == CasePhoto.Status.FAILED and _stored() == []
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/cases/{photo.case_id}/")
    assert "could not be read and was not published" in page.text
    assert Client().get(photo.url).status_code == 404
