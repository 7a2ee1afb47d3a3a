"""Cases in the public record (`minjian.record`): a case enters it when it becomes public,
as the public reads it; its later public events follow, internal notes and held texts
never; a removal is a tombstone with its reason and the hash of the last snapshot, and
one that protects a person withholds what the record showed of the case."""

from __future__ import annotations

import hashlib
from io import StringIO
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.jobs import prepare_case_photo
from minjian.cases.models import Case
from minjian.cases.photos import PhotoUpload
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region
from minjian.record.models import Entry
from minjian.record.tests.factories import sealed_record

pytestmark = pytest.mark.django_db


def _kinds(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["kind"] for entry in entries]


def test_a_published_case_enters_the_record_as_the_public_reads_it(
    regions: dict[str, Region],
) -> None:
    case = make_case(
        regions["340321"],
        title="造纸厂向淮河排污",
        photos=[jpeg_upload()],
        latitude="32.9571",
        longitude="117.1937",
        location_precision="approximate",
    )
    assert case.state == Case.State.PUBLISHED

    (published,) = sealed_record("case")

    photo = case.photos.get()
    with default_storage.open(photo.image.name, "rb") as file:
        photo_hash = hashlib.sha256(file.read()).hexdigest()
    body = published["body"]
    assert published["subject"] == f"case:{case.pk}"
    assert published["kind"] == "case.published"
    assert published["at"].endswith(":00.000000Z")  # to the minute, as the public reads it
    assert body["title"] == case.readable_title
    assert body["description"] == case.readable_description
    assert body["topic"]["slug"] == "environment"
    assert body["region"] == {
        "code": "340321",
        "name_zh": case.region.name_zh,
        "name_en": case.region.name_en,
    }
    assert body["point"] == {"latitude": str(case.latitude), "longitude": str(case.longitude)}
    assert body["precision"] == case.location_precision
    assert body["state"] == "published"
    assert body["photos"] == [
        {
            "sha256": photo_hash,
            "width": photo.width,
            "height": photo.height,
            "position": 0,
            "url": photo.url,
        }
    ]


def test_a_case_under_review_enters_the_record_only_once_published(
    regions: dict[str, Region], settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    moderator = make_user("moderator", is_staff=True)
    case = make_case(regions["340321"])
    services.case_request_edit(actor=moderator, case_id=case.pk, note="请删掉邻居的名字。")
    services.case_edit_by_reporter(case=case, actor=None, title="河边垃圾", description="已改。")
    assert sealed_record("case") == []

    services.case_publish(actor=moderator, case_id=case.pk)

    assert _kinds(sealed_record("case")) == ["case.published"]


def test_public_updates_enter_the_record_and_internal_notes_and_held_texts_do_not(
    regions: dict[str, Region],
) -> None:
    member = make_user("alice")
    organisation = make_organisation("green-huai", members=(member,), verified=True)
    case = make_case(regions["340321"])
    services.case_route_to_organisations(case_id=case.pk, organisation_ids=[organisation.pk])
    services.case_post_update(
        actor=member, organisation=organisation, case_id=case.pk, note="我们明天去取样。"
    )
    services.case_add_internal_note(
        actor=member, organisation=organisation, case_id=case.pk, note="quokka 先别公开"
    )
    services.case_add_by_reporter(case=case, actor=None, text="bilby 村长电话 13812345678")

    entries = sealed_record("case")

    assert _kinds(entries) == ["case.published", "case.event", "case.event", "case.event"]
    routed, update, addition = (entry["body"] for entry in entries[1:])
    assert routed["kind"] == "routed"
    assert update["kind"] == "public_update"
    assert update["note"] == "我们明天去取样。"
    assert update["organisation"]["slug"] == "green-huai"
    assert addition["kind"] == "added_by_reporter"
    assert addition["note_waiting"] is True
    assert "note" not in addition
    text = str(entries)
    assert "quokka" not in text
    assert "bilby" not in text
    assert "alice" not in text


def test_a_released_text_enters_the_record_when_it_is_released(
    regions: dict[str, Region],
) -> None:
    moderator = make_user("moderator", is_staff=True)
    case = make_case(regions["340321"])
    held = services.case_add_by_witness(case=case, actor=None, text="我也看见了 13812345678")
    assert held.payload.get("held")

    services.case_release_note(actor=moderator, event_id=held.pk)

    released = sealed_record("case")[-1]["body"]
    assert released["kind"] == "note_released"
    assert released["event"] == held.pk
    assert (
        released["note"] == "我也看见了 [电话号码已删除]" or "13812345678" not in released["note"]
    )


def test_a_photo_added_to_a_public_case_enters_the_record_as_an_edit(
    regions: dict[str, Region],
) -> None:
    case = make_case(regions["340321"], photos=[jpeg_upload()])
    services.case_add_by_reporter(
        case=case, actor=None, text="又拍了一张。", photos=[PhotoUpload.from_upload(jpeg_upload())]
    )
    for photo in case.photos.filter(status="preparing"):
        prepare_case_photo(photo.pk)

    entries = sealed_record("case")

    assert _kinds(entries) == ["case.published", "case.event", "case.edited"]
    assert len(entries[0]["body"]["photos"]) == 1
    assert len(entries[2]["body"]["photos"]) == 2


@pytest.mark.parametrize(
    ("reason", "protects_person"),
    [
        (Case.HiddenReason.PERSONAL_DATA, True),
        (Case.HiddenReason.HARASSMENT, True),
        (Case.HiddenReason.REPORTER_REQUEST, True),
        (Case.HiddenReason.SPAM, False),
        (Case.HiddenReason.FALSE_CLAIM, False),
    ],
)
def test_a_hidden_public_case_leaves_a_tombstone_with_its_reason(
    regions: dict[str, Region], reason: str, protects_person: bool
) -> None:
    moderator = make_user("moderator", is_staff=True)
    case = make_case(regions["340321"], title="某某的住址")
    services.case_hide(actor=moderator, case_id=case.pk, reason=reason, note="第三次了")

    published, removed = sealed_record("case")

    assert removed["kind"] == "case.removed"
    assert removed["body"]["id"] == case.pk
    assert removed["body"]["reason"] == reason
    assert removed["body"]["protects_person"] is protects_person
    assert removed["body"]["content_hash"] == published["content_hash"]
    assert "第三次了" not in str(removed)  # the moderators' note
    # What protects a person is withheld from the record too; its hashes stay.
    assert (published["body"] is None) is protects_person


def test_a_case_hidden_before_it_was_public_leaves_nothing(
    regions: dict[str, Region], settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    moderator = make_user("moderator", is_staff=True)
    case = make_case(regions["340321"])

    services.case_hide(actor=moderator, case_id=case.pk, reason=Case.HiddenReason.SPAM)

    assert sealed_record("case") == []


def test_the_backfill_appends_what_is_public_and_not_yet_in_the_record_once(
    regions: dict[str, Region], settings: Any
) -> None:
    moderator = make_user("moderator", is_staff=True)
    public = make_case(regions["340321"], title="淮河排污")
    services.case_close(actor=moderator, case_id=public.pk)
    hidden = make_case(regions["340321"], title="某某的住址")
    services.case_hide(actor=moderator, case_id=hidden.pk, reason=Case.HiddenReason.PERSONAL_DATA)
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    make_case(regions["340321"], title="还在等审核")
    # An instance from before the record: its content, and no record of it.
    Entry.objects.all().delete()

    call_command("record_backfill", stdout=StringIO())
    entries = sealed_record("case")

    assert [(entry["subject"], entry["kind"]) for entry in entries] == [
        (f"case:{public.pk}", "case.published"),
        (f"case:{public.pk}", "case.event"),
        (f"case:{hidden.pk}", "case.published"),
        (f"case:{hidden.pk}", "case.removed"),
    ]
    assert entries[1]["body"]["kind"] == "closed"
    assert entries[2]["body"] is None  # withheld: the removal protects a person
    assert entries[3]["body"]["content_hash"] == entries[2]["content_hash"]
    output = StringIO()
    call_command("record_backfill", stdout=output)
    assert "case: 0 added" in output.getvalue()
    assert len(sealed_record("case")) == 4
