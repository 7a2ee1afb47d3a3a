"""Submitting a case and moving it along.

Every change writes its event; every refusal changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.test import override_settings

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.photos import PhotoUpload
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import image_bytes, truncated_jpeg, upload
from minjian.core.errors import DomainError
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def photo(name: str = "p.jpg", content: bytes | None = None) -> UploadedFile:
    return upload(name, content if content is not None else image_bytes("JPEG"))


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()]


def test_submitted_case_is_published_with_both_events(
    regions: dict[str, Region], user: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(
            regions["340321"], reporter=user, photos=[photo(), photo("b.png", image_bytes("PNG"))]
        )
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED
    assert case.published_at is not None
    assert [e.kind for e in case.events.all()] == ["submitted", "published"]
    assert case.events.first().actor == user  # type: ignore[union-attr]  # None fails the test
    assert case.photos.count() == 2
    assert all(
        Path(p.image.path).exists() and Path(p.thumbnail.path).exists() for p in case.photos.all()
    )


@override_settings(MINJIAN_REVIEW_UNTRUSTED_REPORTS=True)
def test_case_waits_in_submitted_state_when_review_is_on(regions: dict[str, Region]) -> None:
    case = make_case(regions["340321"])
    assert case.state == Case.State.SUBMITTED
    assert [e.kind for e in case.events.all()] == ["submitted"]


def test_point_is_stored_rounded(regions: dict[str, Region]) -> None:
    case = make_case(
        regions["340321"],
        latitude="32.9412345678",
        longitude=" 117.36 ",
        location_precision="exact",
    )
    case.refresh_from_db()
    assert str(case.latitude) == "32.941235"
    assert str(case.longitude) == "117.360000"


def test_point_is_coarsened_to_about_one_km_by_default(regions: dict[str, Region]) -> None:
    case = make_case(regions["340321"], latitude="32.9412345", longitude="117.3612345")
    case.refresh_from_db()
    assert (str(case.latitude), str(case.longitude)) == ("32.945000", "117.365000")
    assert case.location_precision == "approximate"
    assert case.events.first().payload["location_precision"] == "approximate"  # type: ignore[union-attr]  # None fails the test


def test_region_only_keeps_no_point_at_all(regions: dict[str, Region]) -> None:
    case = make_case(
        regions["340321"], latitude="32.94", longitude="117.36", location_precision="region"
    )
    case.refresh_from_db()
    assert case.latitude is None and case.longitude is None


def test_anonymous_reporter_gets_a_receipt_and_only_its_digest_is_kept(
    regions: dict[str, Region], user: User
) -> None:
    submission = services.case_submit(
        reporter=None,
        title="匿名报告",
        description="内容",
        topic_slug="health",
        region_code="420102",
    )
    code = submission.receipt_code
    assert len(code.replace("-", "")) == 20
    case = Case.objects.get()
    assert case.receipt_digest and code not in case.receipt_digest
    from minjian.cases.access import access_case_by_receipt

    assert access_case_by_receipt(code.lower().replace("-", " ")).pk == case.pk
    signed_in = make_case(regions["420102"], reporter=user)
    assert signed_in.receipt_digest == ""


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"title": "  "}, "title_required", "title"),
        ({"title": "x" * 201}, "title_too_long", "title"),
        ({"description": ""}, "description_required", "description"),
        ({"topic_slug": "weather"}, "unknown_topic", "topic"),
        ({"region_code": "999999"}, "unknown_region", "region"),
        ({"latitude": "91", "longitude": "100"}, "point_out_of_range", "latitude"),
        ({"latitude": "30", "longitude": "-180.5"}, "point_out_of_range", "longitude"),
        ({"latitude": "30"}, "point_incomplete", "longitude"),
        ({"latitude": "nan", "longitude": "1"}, "point_out_of_range", "latitude"),
        ({"photos": [photo("cut.jpg", truncated_jpeg())]}, "photo_unreadable", "photos"),
        ({"photos": [photo("fake.jpg", b"not an image at all")]}, "photo_format", "photos"),
        ({"location_precision": "street"}, "unknown_location_precision", "location_precision"),
    ],
)
def test_bad_input_is_refused_and_leaves_no_row_and_no_file(
    regions: dict[str, Region], changes: dict[str, object], code: str, field: str
) -> None:
    values: dict[str, object] = {
        "reporter": None,
        "title": "路灯坏了",
        "description": "三个月没有修。",
        "topic_slug": "public-safety",
        "region_code": "420102",
    }
    values.update(changes)
    values["photos"] = [PhotoUpload.from_upload(f) for f in values.get("photos", [])]  # type: ignore[attr-defined]  # dict[str, object]
    with pytest.raises(DomainError) as refused:
        services.case_submit(**values)  # type: ignore[arg-type]  # values is dict[str, object]
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not CasePhoto.objects.exists() and stored_files() == []


def test_a_bad_photo_after_good_ones_leaves_nothing(regions: dict[str, Region]) -> None:
    with pytest.raises(DomainError):
        make_case(regions["420102"], photos=[photo(), photo(), photo("x.jpg", b"GIF89a")])
    assert not Case.objects.exists() and stored_files() == []


def test_more_than_ten_photos_are_refused(regions: dict[str, Region]) -> None:
    with pytest.raises(DomainError) as refused:
        make_case(regions["420102"], photos=[photo() for _ in range(11)])
    assert refused.value.code == "too_many_photos"
    assert not Case.objects.exists()


def test_files_are_removed_when_the_transaction_fails_after_storing(
    regions: dict[str, Region], monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    # The last write of the filing, after the photo and the events.
    monkeypatch.setattr(services, "count_new_case", fail)
    with pytest.raises(RuntimeError):
        make_case(regions["420102"], photos=[photo()])
    assert not Case.objects.exists() and stored_files() == []


def test_member_of_an_organisation_with_the_case_acknowledges_then_resolves(
    regions: dict[str, Region], staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    from minjian.routing.tests.helpers import published, subscribed

    member = make_user("ngo-worker")
    subscribed("huai-river-guardians", topic="environment", members=(member,))
    case = published(django_capture_on_commit_callbacks, regions["340321"])
    services.case_acknowledge(actor=member, case_id=case.pk, note="我们已收到，正在联系环保局。")
    services.case_start_progress(actor=member, case_id=case.pk)
    services.case_resolve(actor=member, case_id=case.pk, note="排污口已封堵。")
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED
    events = [e for e in case.events.all() if e.kind != "routed"]
    assert [e.kind for e in events] == [
        "submitted",
        "published",
        "acknowledged",
        "in_progress",
        "resolved",
    ]
    assert events[2].payload == {
        "from": "published",
        "to": "acknowledged",
        "note": "我们已收到，正在联系环保局。",
    }
    assert events[2].actor == member


def test_unverified_organisation_member_cannot_acknowledge(regions: dict[str, Region]) -> None:
    from minjian.orgs.tests.factories import make_organisation

    member = make_user("self-declared")
    make_organisation(slug="new-group", members=[member], verified=False)
    case = make_case(regions["340321"])
    with pytest.raises(DomainError) as refused:
        services.case_acknowledge(actor=member, case_id=case.pk)
    assert refused.value.status == 403
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED and case.events.count() == 2


def test_transition_from_the_wrong_state_is_refused_and_changes_nothing(
    regions: dict[str, Region], staff: User
) -> None:
    case = make_case(regions["340321"])
    services.case_close(actor=staff, case_id=case.pk, note="重复的报告")
    with pytest.raises(DomainError) as refused:
        services.case_acknowledge(actor=staff, case_id=case.pk)
    assert refused.value.code == "transition_not_allowed"
    assert refused.value.status == 409
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED
    assert [e.kind for e in case.events.all()] == ["submitted", "published", "closed"]


def test_reporter_may_close_her_case_but_not_acknowledge_or_resolve_it(
    regions: dict[str, Region], user: User
) -> None:
    case = make_case(regions["340321"], reporter=user)
    assert services.actions_allowed(user, case) == ["close"]
    for refused in (services.case_acknowledge, services.case_resolve):
        with pytest.raises(DomainError) as error:
            refused(actor=user, case_id=case.pk)
        assert error.value.status == 403
    services.case_close(actor=user, case_id=case.pk)
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED


def test_a_stranger_may_do_nothing(regions: dict[str, Region], user: User) -> None:
    case = make_case(regions["340321"])
    assert services.actions_allowed(user, case) == []
    assert services.actions_allowed(None, case) == []
    with pytest.raises(DomainError) as refused:
        services.case_close(actor=user, case_id=case.pk)
    assert refused.value.code == "forbidden"


@override_settings(MINJIAN_REVIEW_UNTRUSTED_REPORTS=True)
def test_only_staff_publish_a_case_under_review(
    regions: dict[str, Region], user: User, staff: User
) -> None:
    case = make_case(regions["340321"], reporter=user)
    with pytest.raises(DomainError):
        services.case_publish(actor=user, case_id=case.pk)
    services.case_publish(actor=staff, case_id=case.pk)
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED and case.published_at is not None


def test_events_cannot_be_changed_or_deleted(regions: dict[str, Region]) -> None:
    from minjian.core.models import AppendOnlyError

    event = make_case(regions["340321"]).events.first()
    assert event is not None
    event.kind = "resolved"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_overlong_note_is_refused(regions: dict[str, Region], staff: User) -> None:
    case = make_case(regions["340321"])
    with pytest.raises(DomainError) as refused:
        services.case_close(actor=staff, case_id=case.pk, note="长" * 2001)
    assert refused.value.code == "note_too_long"
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED


def test_direction_overrides_are_taken_out_of_titles(regions: dict[str, Region]) -> None:
    case = make_case(regions["340321"], title="报告\u202egpj.exe\u2066 内容")
    assert case.title == "报告gpj.exe 内容"
