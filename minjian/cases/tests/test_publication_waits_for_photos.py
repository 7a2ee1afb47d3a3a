"""A case is public only once faces are blurred on its photos: until its photo jobs have
run it is nowhere public, a job that fails or a worker that dies only delays it, and it
is published exactly once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minjian.accounts.models import User
from minjian.accounts.tests.factories import PASSWORD
from minjian.cases import services_photos
from minjian.cases.jobs import prepare_case_photo
from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.photos import prepare_photo
from minjian.cases.selectors import public_case_count
from minjian.cases.services import case_publish
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.core.errors import DomainError
from minjian.jobs.models import PendingJob
from minjian.jobs.pending import run_due_jobs
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

TITLE = "河堤决口后村道被淹"


@pytest.fixture
def queued_jobs(settings: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Jobs wait in the database outbox (the Redis backend's, never sent: commits are not
    run) until the test runs them, by hand or with `run_due_jobs`."""
    settings.MINJIAN_JOBS_BACKEND = "redis"
    settings.MINJIAN_JOBS_MIN_BACKOFF_MS = 0
    with django_capture_on_commit_callbacks(execute=False):
        yield


def _due_now() -> None:
    PendingJob.objects.update(run_after=timezone.now())


def _not_public_anywhere(case: Case) -> None:
    reader = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert reader.get(f"/cases/{case.pk}/").status_code == 404
    assert reader.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert TITLE not in reader.get("/cases/").text
    assert public_case_count() == 0
    assert TITLE not in reader.get("/cases/", {"q": "河堤"}).text
    assert TITLE not in reader.get("/").text
    listed = reader.get("/api/v1/cases")
    assert listed.status_code == 200 and TITLE not in listed.content.decode()
    assert TITLE not in reader.get("/feeds/topics/environment/").text
    assert TITLE not in reader.get(f"/feeds/regions/{case.region.code}/").text
    assert TITLE not in reader.get("/open311/v2/requests.json").text


def _published_once(case: Case) -> None:
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED
    assert case.events.filter(kind=CaseEvent.Kind.PUBLISHED).count() == 1
    assert Client().get(f"/cases/{case.pk}/").status_code == 200


def test_a_case_is_nowhere_public_until_its_photos_are_prepared(
    regions: dict[str, Region], queued_jobs: None
) -> None:
    case = make_case(
        regions["340321"], title=TITLE, photos=[jpeg_upload(), jpeg_upload()], prepare_photos=False
    )
    assert case.state == Case.State.SUBMITTED
    _not_public_anywhere(case)
    first, second = case.photos.all()
    prepare_case_photo(first.pk)
    # One photo of two is ready: still not public.
    _not_public_anywhere(case)
    prepare_case_photo(second.pk)
    _published_once(case)


def test_the_reporter_reads_that_her_photos_are_being_prepared(
    regions: dict[str, Region], user: User, queued_jobs: None, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = False
    reporter = Client()
    reporter.login(username=user.username, password=PASSWORD)
    for language, text in (
        ("en", "faces are blurred before anyone else sees them"),
        ("zh-hans", "照片正在处理"),
    ):
        case = make_case(
            regions["340321"],
            reporter=user,
            title=TITLE,
            photos=[jpeg_upload()],
            prepare_photos=False,
        )
        page = reporter.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200 and text in page.text


def test_a_moderator_cannot_publish_before_the_photos_are_prepared(
    regions: dict[str, Region], staff: User, queued_jobs: None, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    case = make_case(regions["340321"], title=TITLE, photos=[jpeg_upload()], prepare_photos=False)
    with pytest.raises(DomainError) as refused:
        case_publish(actor=staff, case_id=case.pk)
    assert refused.value.code == "photos_being_prepared" and refused.value.status == 409
    prepare_case_photo(case.photos.get().pk)
    # Waiting for review, it stays so when its photos are ready ...
    case.refresh_from_db()
    assert case.state == Case.State.SUBMITTED
    # ... and the moderator publishes it then, once.
    case_publish(actor=staff, case_id=case.pk)
    _published_once(case)


def test_a_job_that_fails_only_delays_publication(
    regions: dict[str, Region], queued_jobs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case(regions["340321"], title=TITLE, photos=[jpeg_upload()], prepare_photos=False)
    calls = []

    def storage_down_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("storage unreachable")
        return prepare_photo(*args, **kwargs)

    monkeypatch.setattr("minjian.cases.services_photos.prepare_photo", storage_down_once)
    job = PendingJob.objects.get(name=prepare_case_photo.name)
    _due_now()
    run_due_jobs()
    job.refresh_from_db()
    assert job.attempts == 1 and "storage unreachable" in job.last_error
    _not_public_anywhere(case)
    _due_now()
    run_due_jobs()
    assert not PendingJob.objects.filter(pk=job.pk).exists()
    _published_once(case)


def test_a_worker_killed_between_the_photo_and_the_publication_publishes_on_the_retry(
    regions: dict[str, Region], queued_jobs: None
) -> None:
    case = make_case(regions["340321"], title=TITLE, photos=[jpeg_upload()], prepare_photos=False)
    photo = case.photos.get()
    # The first run got as far as the prepared photo, then its process died.
    services_photos.case_photo_prepare(photo_id=photo.pk)
    assert CasePhoto.objects.get(pk=photo.pk).status == CasePhoto.Status.READY
    _not_public_anywhere(case)
    # The job comes back (its message was never acknowledged) and runs again, twice even.
    prepare_case_photo(photo.pk)
    prepare_case_photo(photo.pk)
    _published_once(case)
