"""A verifier merges a duplicate report into its original: the duplicate becomes a
tombstone leading there, its photos and public notes join the original (its reporter
never named, no photo shown before its faces are blurred or while it is held), what its
reporter adds later joins the original too, and the counts, the search and the
similar-case index follow."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.jobs import prepare_case_photo
from minjian.cases.models import Case, CaseEvent, CaseFingerprint, CasePhoto
from minjian.cases.photos import PhotoUpload
from minjian.cases.selectors import TimelineEntry, case_with_timeline, timeline
from minjian.cases.services_merge import case_merge
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.cases.tests.test_tallies import assert_in_step
from minjian.jobs.models import PendingJob
from minjian.jobs.pending import run_due_jobs
from minjian.orgs.models import Membership, Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region
from minjian.search.models import SearchDocument

pytestmark = pytest.mark.django_db

ORIGINAL = "造纸厂夜里向淮河排放黑色污水"
DUPLICATE = "淮河边造纸厂每天夜里排黑水"
NOTE = "今天早上河面又漂着死鱼。"
LATER = "环保局的人下午来取了水样。"


def make_verifier(
    username: str = "river-checker", *, slug: str = "huai-checkers"
) -> tuple[User, Organisation]:
    """A member given the verifier mark in a verified organisation."""
    verifier = make_user(username)
    organisation = make_organisation(
        slug, verified=True, name_en="Huai River Fact Checkers", name_zh="淮河核查"
    )
    Membership.objects.create(
        organisation=organisation, user=verifier, role=Membership.Role.MEMBER, verifier=True
    )
    return verifier, organisation


def public_timeline(case: Case) -> list[TimelineEntry]:
    """The case's timeline as the public reads it, in English."""
    found = case_with_timeline(case.pk)
    assert found is not None
    with translation.override("en"):
        return timeline(found)


@pytest.fixture
def verifier(db: Any) -> User:
    return make_verifier()[0]


def file_anonymously(region: Region, title: str, **kwargs: Any) -> tuple[Case, str]:
    """A public case reported without an account, and its receipt code."""
    submission = services.case_submit(
        reporter=None,
        title=title,
        description="每天夜里排放，味道很重。",
        topic_slug="environment",
        region_code=region.code,
        **kwargs,
    )
    for photo in submission.case.photos.all():
        prepare_case_photo(photo.pk)
    submission.case.refresh_from_db()
    return submission.case, submission.receipt_code


def test_a_verifier_merges_a_duplicate_into_its_original(
    regions: dict[str, Region], verifier: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        original = make_case(regions["340321"], title=ORIGINAL, photos=[jpeg_upload("a.jpg")])
        duplicate, _code = file_anonymously(
            regions["340321"],
            DUPLICATE,
            photos=[PhotoUpload.from_upload(jpeg_upload("b.jpg"))] * 2,
        )
        services.case_add_by_reporter(case=duplicate, actor=None, text=NOTE)
    keys = list(duplicate.photos.order_by("position").values_list("key", flat=True))
    assert SearchDocument.objects.filter(case=duplicate).exists()
    assert CaseFingerprint.objects.filter(case=duplicate).exists()

    with django_capture_on_commit_callbacks(execute=True):
        merged_into = case_merge(actor=verifier, case_id=duplicate.pk, into_id=original.pk)

    assert merged_into.pk == original.pk
    duplicate.refresh_from_db()
    assert (duplicate.state, duplicate.hidden_reason, duplicate.duplicate_of_id) == (
        Case.State.HIDDEN,
        Case.HiddenReason.DUPLICATE,
        original.pk,
    )
    organisation = Organisation.objects.get(slug="huai-checkers")
    merged = duplicate.events.get(kind=CaseEvent.Kind.MERGED)
    assert (merged.payload["into"], merged.organisation_id, merged.actor_id) == (
        original.pk,
        organisation.pk,
        verifier.pk,
    )
    merged_in = original.events.get(kind=CaseEvent.Kind.MERGED_IN)
    assert (merged_in.payload, merged_in.organisation_id) == (
        {"from": duplicate.pk},
        organisation.pk,
    )
    # Its photos joined the original after the original's own, keys and all.
    photos = list(original.photos.order_by("position"))
    assert [photo.position for photo in photos] == [0, 1, 2]
    assert [photo.key for photo in photos[1:]] == keys
    assert not duplicate.photos.exists()
    # Its note reads on the original's timeline; its own timeline is as it was.
    entries = public_timeline(original)
    from_duplicate = [entry for entry in entries if entry.merged_from == duplicate.pk]
    assert [(entry.kind, entry.note) for entry in from_duplicate] == [
        (CaseEvent.Kind.MERGED_IN, ""),
        (CaseEvent.Kind.ADDED_BY_REPORTER, NOTE),
    ]
    assert from_duplicate[1].actor == f"the reporter of merged report #{duplicate.pk}"
    assert duplicate.events.filter(kind=CaseEvent.Kind.ADDED_BY_REPORTER).count() == 1
    # Counted, found and indexed as a hidden case from now on.
    assert_in_step()
    assert not SearchDocument.objects.filter(case=duplicate).exists()
    assert not CaseFingerprint.objects.filter(case=duplicate).exists()


def test_the_pages_of_a_merged_case_and_of_its_original(
    regions: dict[str, Region], verifier: User, client: Client
) -> None:
    original = make_case(regions["340321"], title=ORIGINAL)
    duplicate, _code = file_anonymously(regions["340321"], DUPLICATE)
    services.case_add_by_reporter(case=duplicate, actor=None, text=NOTE)
    reader = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert reader.get(f"/cases/{duplicate.pk}/").status_code == 200

    case_merge(actor=verifier, case_id=duplicate.pk, into_id=original.pk)

    tombstone = reader.get(f"/cases/{duplicate.pk}/")
    assert tombstone.status_code == 410
    assert f'<a href="/cases/{original.pk}/">case #{original.pk}</a>' in tombstone.text
    assert "merged" in tombstone.text and DUPLICATE not in tombstone.text
    page = reader.get(f"/cases/{original.pk}/")
    assert "1 report was merged into this case" in page.text
    assert f'<a href="/cases/{duplicate.pk}/">#{duplicate.pk}</a>' in page.text
    assert NOTE in page.text and f"the reporter of merged report #{duplicate.pk}" in page.text
    answer = client.get(f"/api/v1/cases/{duplicate.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 410
    body = answer.json()
    assert body["code"] == "hidden"
    assert body["details"]["merged_into"] == original.pk
    assert body["details"]["reason"] == "duplicate" and body["details"]["hidden_at"]
    assert DUPLICATE not in answer.content.decode()
    timeline_api = client.get(f"/api/v1/cases/{original.pk}").json()["timeline"]
    assert {"merged_from": duplicate.pk, "note": NOTE}.items() <= timeline_api[-1].items()


def test_what_the_reporter_of_a_merged_case_adds_later_joins_the_original(
    regions: dict[str, Region], verifier: User
) -> None:
    reporter = make_user("paper-mill-neighbour")
    original = make_case(regions["340321"], title=ORIGINAL)
    duplicate = make_case(regions["340321"], title=DUPLICATE, reporter=reporter)
    case_merge(actor=verifier, case_id=duplicate.pk, into_id=original.pk)

    joined = services.case_add_by_reporter(
        case=duplicate, actor=reporter, text=LATER, photos=[PhotoUpload.from_upload(jpeg_upload())]
    )

    assert joined.pk == original.pk
    added = original.events.get(kind=CaseEvent.Kind.ADDED_BY_REPORTER)
    assert (added.payload["note"], added.payload["merged_from"], added.actor_id) == (
        LATER,
        duplicate.pk,
        reporter.pk,
    )
    assert not duplicate.events.filter(kind=CaseEvent.Kind.ADDED_BY_REPORTER).exists()
    assert original.photos.count() == 1
    entry = public_timeline(original)[-1]
    assert (entry.note, entry.actor, entry.merged_from) == (
        LATER,
        f"the reporter of merged report #{duplicate.pk}",
        duplicate.pk,
    )
    page = Client().get(f"/cases/{original.pk}/").text
    assert LATER in page and reporter.username not in page


def test_the_original_reporter_does_not_read_a_held_text_of_the_merged_reporter(
    regions: dict[str, Region], verifier: User, client: Client
) -> None:
    reporter = make_user("first-reporter")
    original = make_case(regions["340321"], title=ORIGINAL, reporter=reporter)
    duplicate, _code = file_anonymously(regions["340321"], DUPLICATE)
    case_merge(actor=verifier, case_id=duplicate.pk, into_id=original.pk)

    services.case_add_by_reporter(case=duplicate, actor=None, text="厂长电话 13812345678")

    added = original.events.get(kind=CaseEvent.Kind.ADDED_BY_REPORTER)
    assert added.payload["held"] is True
    client.force_login(reporter)
    page = client.get(f"/cases/{original.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "厂长电话" not in page.text
    assert "A text waits here for a moderator" in page.text


def test_a_photo_being_prepared_joins_the_original_unseen_until_its_faces_are_blurred(
    regions: dict[str, Region],
    verifier: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    original = make_case(regions["340321"], title=ORIGINAL)
    duplicate, _code = file_anonymously(regions["340321"], DUPLICATE)
    settings.MINJIAN_JOBS_BACKEND = "redis"
    settings.MINJIAN_JOBS_MIN_BACKOFF_MS = 0
    with django_capture_on_commit_callbacks(execute=False):
        services.case_add_by_reporter(
            case=duplicate, actor=None, text=NOTE, photos=[PhotoUpload.from_upload(jpeg_upload())]
        )
        case_merge(actor=verifier, case_id=duplicate.pk, into_id=original.pk)
    photo = CasePhoto.objects.get()
    assert (photo.case_id, photo.status) == (original.pk, CasePhoto.Status.PREPARING)
    reader = Client()
    assert reader.get(photo.url).status_code == 404
    assert photo.url not in reader.get(f"/cases/{original.pk}/").text

    PendingJob.objects.update(run_after=timezone.now())
    run_due_jobs()

    photo.refresh_from_db()
    assert (photo.case_id, photo.status) == (original.pk, CasePhoto.Status.READY)
    assert reader.get(photo.url).status_code == 200
    assert photo.thumbnail_url in reader.get(f"/cases/{original.pk}/").text


def test_a_witness_photo_held_for_a_moderator_stays_held_on_the_original(
    regions: dict[str, Region], verifier: User, staff: User, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    original = make_case(regions["340321"], title=ORIGINAL, reporter=staff)
    duplicate = make_case(regions["340321"], title=DUPLICATE, reporter=staff)
    added = services.case_add_by_witness(
        case=duplicate, actor=None, text=NOTE, photos=[PhotoUpload.from_upload(jpeg_upload())]
    )
    photo = CasePhoto.objects.get()
    prepare_case_photo(photo.pk)
    photo.refresh_from_db()
    assert photo.held and photo.status == CasePhoto.Status.READY

    case_merge(actor=verifier, case_id=duplicate.pk, into_id=original.pk)

    photo.refresh_from_db()
    assert (photo.case_id, photo.held) == (original.pk, True)
    reader = Client()
    assert reader.get(photo.url).status_code == 404
    assert NOTE not in reader.get(f"/cases/{original.pk}/").text

    services.case_release_note(actor=staff, event_id=added.pk)

    photo.refresh_from_db()
    assert not photo.held
    assert reader.get(photo.url).status_code == 200
    page = reader.get(f"/cases/{original.pk}/").text
    assert NOTE in page and photo.thumbnail_url in page


def test_a_report_merged_into_a_case_that_is_merged_later_follows_it_to_the_new_original(
    regions: dict[str, Region], verifier: User
) -> None:
    first = make_case(regions["340321"], title=ORIGINAL)
    second = make_case(regions["340321"], title=DUPLICATE)
    third, _code = file_anonymously(regions["340321"], "造纸厂排污，河水发黑")
    services.case_add_by_reporter(case=third, actor=None, text=NOTE)
    case_merge(actor=verifier, case_id=third.pk, into_id=second.pk)

    case_merge(actor=verifier, case_id=second.pk, into_id=first.pk)

    third.refresh_from_db()
    assert third.duplicate_of_id == first.pk
    assert [event.payload for event in first.events.filter(kind=CaseEvent.Kind.MERGED_IN)] == [
        {"from": second.pk},
        {"from": third.pk, "via": second.pk},
    ]
    entries = public_timeline(first)
    assert [entry.note for entry in entries if entry.merged_from == third.pk] == ["", NOTE]
    assert Client().get(f"/cases/{third.pk}/").context["hidden"].merged_into == first.pk
    joined = services.case_add_by_reporter(case=third, actor=None, text=LATER)
    assert joined.pk == first.pk


def test_staff_merge_as_a_moderator_when_they_verify_for_no_organisation(
    regions: dict[str, Region], staff: User
) -> None:
    original = make_case(regions["340321"], title=ORIGINAL)
    duplicate = make_case(regions["340321"], title=DUPLICATE)

    case_merge(actor=staff, case_id=duplicate.pk, into_id=original.pk)

    merged_in = original.events.get(kind=CaseEvent.Kind.MERGED_IN)
    assert merged_in.organisation_id is None
    entries = public_timeline(original)
    entry = next(entry for entry in entries if entry.kind == CaseEvent.Kind.MERGED_IN)
    assert (entry.actor, entry.organisation) == ("a moderator", None)


def test_her_receipt_shows_the_reporter_where_her_report_went_and_adds_there(
    regions: dict[str, Region], verifier: User
) -> None:
    original = make_case(regions["340321"], title=ORIGINAL)
    duplicate, code = file_anonymously(regions["340321"], DUPLICATE)
    case_merge(actor=verifier, case_id=duplicate.pk, into_id=original.pk)
    reporter = Client(HTTP_ACCEPT_LANGUAGE="en")

    followed = reporter.post("/cases/follow/", {"code": code})

    assert followed.status_code == 200
    assert f"Case #{duplicate.pk} was merged" in followed.text
    assert f'<a href="/cases/{original.pk}/">case #{original.pk}</a>' in followed.text
    assert 'name="action" value="add"' in followed.text
    submission = followed.context["reporter_forms"].submission

    added = reporter.post(
        "/cases/follow/", {"code": code, "action": "add", "text": LATER, "submission": submission}
    )

    assert added.status_code == 200
    event = original.events.get(kind=CaseEvent.Kind.ADDED_BY_REPORTER)
    assert (event.payload["note"], event.payload["merged_from"]) == (LATER, duplicate.pk)
    assert LATER in Client().get(f"/cases/{original.pk}/").text


def test_a_reporter_with_an_account_adds_to_her_merged_report_from_its_page(
    regions: dict[str, Region], verifier: User, client: Client
) -> None:
    reporter = make_user("paper-mill-neighbour")
    original = make_case(regions["340321"], title=ORIGINAL)
    duplicate = make_case(regions["340321"], title=DUPLICATE, reporter=reporter)
    case_merge(actor=verifier, case_id=duplicate.pk, into_id=original.pk)
    client.force_login(reporter)

    tombstone = client.get(f"/cases/{duplicate.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert tombstone.status_code == 410
    assert f'action="/cases/{duplicate.pk}/update/"' in tombstone.text
    assert 'action="/cases/' not in Client().get(f"/cases/{duplicate.pk}/").text

    refused = client.post(
        f"/cases/{duplicate.pk}/update/", {"action": "add", "text": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert "Write something or add a photo." in refused.text

    added = client.post(
        f"/cases/{duplicate.pk}/update/", {"action": "add", "text": LATER}, follow=True
    )

    assert added.redirect_chain == [(f"/cases/{original.pk}/", 303)]
    event = original.events.get(kind=CaseEvent.Kind.ADDED_BY_REPORTER)
    assert (event.payload["merged_from"], event.actor_id) == (duplicate.pk, reporter.pk)
    assert reporter.username not in Client().get(f"/cases/{original.pk}/").text


def test_someone_else_cannot_add_to_a_merged_case(
    regions: dict[str, Region], verifier: User, client: Client
) -> None:
    original = make_case(regions["340321"], title=ORIGINAL)
    duplicate = make_case(regions["340321"], title=DUPLICATE, reporter=make_user("reporter"))
    case_merge(actor=verifier, case_id=duplicate.pk, into_id=original.pk)
    client.force_login(make_user("someone-else"))

    answer = client.post(f"/cases/{duplicate.pk}/update/", {"action": "add", "text": LATER})

    assert answer.status_code == 410
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.ADDED_BY_REPORTER).exists()


@pytest.mark.parametrize("address", ["/cases/{id}/", "/api/v1/cases/{id}"])
def test_a_case_with_merged_reports_reads_a_fixed_number_of_queries(
    regions: dict[str, Region],
    verifier: User,
    client: Client,
    address: str,
    django_assert_max_num_queries: Any,
) -> None:
    original = make_case(regions["340321"], title=ORIGINAL, photos=[jpeg_upload()])
    for number in range(3):
        duplicate = make_case(
            regions["340321"], title=f"{DUPLICATE}{number}", photos=[jpeg_upload()]
        )
        services.case_add_by_reporter(case=duplicate, actor=None, text=f"{NOTE}{number}")
        case_merge(actor=verifier, case_id=duplicate.pk, into_id=original.pk)

    # The case's own (with the versions of what the stored page shows), and two more for
    # the merged reports' events, however many there are.
    with django_assert_max_num_queries(6):
        response = client.get(address.format(id=original.pk))

    assert response.status_code == 200
    shown = (
        json.dumps(response.json(), ensure_ascii=False)
        if address.startswith("/api")
        else response.content.decode()
    )
    assert all(f"{NOTE}{number}" in shown for number in range(3))
