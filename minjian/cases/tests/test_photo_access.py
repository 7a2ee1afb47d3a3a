"""A photo is served only to those who may see its case, at that moment, under a name
nobody can guess; hiding a case withdraws every size of its photos at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.access import PHOTO_GRANT_SECONDS
from minjian.cases.models import Case, CasePhoto
from minjian.cases.photos import PhotoUpload
from minjian.cases.tests.images import jpeg_upload
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

PHOTO_ADDRESS = re.compile(r'(?:src|href)="(/cases/photos/[^"]+)"')


@dataclass
class Filed:
    case: Case
    receipt_code: str


def _file(region: Region, reporter: User | None, on_commit: Callable[..., Any]) -> Filed:
    with on_commit(execute=True):
        submission = services.case_submit(
            reporter=reporter,
            title="造纸厂夜里排污",
            description="排污口在桥下。",
            topic_slug="environment",
            region_code=region.code,
            photos=[PhotoUpload.from_upload(jpeg_upload())],
        )
    return Filed(submission.case, submission.receipt_code)


def _in_state(filed: Filed, state: str, staff: User) -> Case:
    """Move a case filed under review to `state`, the way staff would."""
    steps = {
        "submitted": [],
        "published": ["publish"],
        "acknowledged": ["publish", "acknowledge"],
        "in_progress": ["publish", "start_progress"],
        "resolved": ["publish", "resolve"],
        "closed": ["publish", "close"],
    }
    case_id = filed.case.pk
    if state == "hidden":
        services.case_hide(actor=staff, case_id=case_id, reason=Case.HiddenReason.PERSONAL_DATA)
    else:
        for action in steps[state]:
            services.CASE_ACTIONS[action](actor=staff, case_id=case_id)
    return Case.objects.get(pk=case_id)


@dataclass
class Viewers:
    anonymous: Client
    moderator: Client
    other_member: Client


@pytest.fixture
def viewers(staff: User) -> Viewers:
    member = make_user("labour-ngo-member")
    make_organisation("labour-ngo", members=[member], verified=True)
    moderator, other_member = Client(), Client()
    moderator.force_login(staff)
    other_member.force_login(member)
    return Viewers(anonymous=Client(), moderator=moderator, other_member=other_member)


def _addresses(photo: CasePhoto) -> list[str]:
    return [photo.url, photo.thumbnail_url, photo.small_url]


def _receipt_addresses(filed: Filed) -> list[str]:
    """The photo addresses the reporter is shown when she opens her case by its code."""
    page = Client().post("/cases/follow/", {"code": filed.receipt_code})
    return [address.replace("&amp;", "&") for address in PHOTO_ADDRESS.findall(page.text)]


EXPECTED = {
    # state: (anonymous, reporter by receipt, member of another organisation, moderator)
    "submitted": (404, 200, 404, 200),
    "published": (200, 200, 200, 200),
    "acknowledged": (200, 200, 200, 200),
    "in_progress": (200, 200, 200, 200),
    "resolved": (200, 200, 200, 200),
    "closed": (200, 200, 200, 200),
    "hidden": (410, 410, 410, 200),
}


@override_settings(MINJIAN_REVIEW_UNTRUSTED_REPORTS=True)
@pytest.mark.parametrize("state", list(EXPECTED))
def test_every_photo_address_of_every_state_answers_only_those_who_may_see_the_case(
    state: str,
    regions: dict[str, Region],
    staff: User,
    viewers: Viewers,
    django_capture_on_commit_callbacks: Any,
) -> None:
    filed = _file(regions["340321"], None, django_capture_on_commit_callbacks)
    # The reporter opens her case while it is under review and keeps the page open.
    shown_to_reporter = _receipt_addresses(filed)
    case = _in_state(filed, state, staff)
    photo = case.photos.get()
    assert len(shown_to_reporter) == 2 and all(
        address.split("?")[0] in _addresses(photo) for address in shown_to_reporter
    )
    anonymous, by_receipt, member, moderator = EXPECTED[state]
    for address in _addresses(photo):
        assert viewers.anonymous.get(address).status_code == anonymous, address
        assert viewers.other_member.get(address).status_code == member, address
        assert viewers.moderator.get(address).status_code == moderator, address
    for address in shown_to_reporter:
        assert Client().get(address).status_code == by_receipt, address


def test_reporter_with_an_account_sees_her_photos_under_review(
    regions: dict[str, Region], user: User, django_capture_on_commit_callbacks: Any
) -> None:
    with override_settings(MINJIAN_REVIEW_UNTRUSTED_REPORTS=True):
        filed = _file(regions["340321"], user, django_capture_on_commit_callbacks)
    assert filed.case.state == Case.State.SUBMITTED
    reporter = Client()
    reporter.force_login(user)
    photo = filed.case.photos.get()
    page = reporter.get(f"/cases/{filed.case.pk}/")
    assert photo.thumbnail_url in page.text
    for address in _addresses(photo):
        answer = reporter.get(address)
        assert answer.status_code == 200
        assert answer["Cache-Control"] == "private, no-store"
        assert Client().get(address).status_code == 404


def test_hiding_a_case_withdraws_every_size_of_its_photos_at_once(
    regions: dict[str, Region], user: User, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    filed = _file(regions["340321"], user, django_capture_on_commit_callbacks)
    photo = filed.case.photos.get()
    reader = Client()
    assert [reader.get(address).status_code for address in _addresses(photo)] == [200, 200, 200]
    services.case_hide(actor=staff, case_id=filed.case.pk, reason=Case.HiddenReason.PERSONAL_DATA)
    assert [reader.get(address).status_code for address in _addresses(photo)] == [410, 410, 410]


def test_a_photo_whose_file_is_lost_is_not_found_rather_than_an_error(
    regions: dict[str, Region], user: User, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _file(regions["340321"], user, django_capture_on_commit_callbacks).case.photos.get()
    photo.small.storage.delete(photo.small.name)

    assert Client().get(photo.small_url).status_code == 404
    assert Client().get(photo.url).status_code == 200


def test_photo_names_say_nothing_of_the_case_and_cannot_be_counted(
    regions: dict[str, Region], user: User, django_capture_on_commit_callbacks: Any
) -> None:
    first = _file(regions["340321"], user, django_capture_on_commit_callbacks).case.photos.get()
    second = _file(regions["340321"], user, django_capture_on_commit_callbacks).case.photos.get()
    for photo in (first, second):
        names = [photo.image.name, photo.thumbnail.name, photo.small.name, *_addresses(photo)]
        assert all(f"-{photo.case_id}-" not in name and "case-" not in name for name in names)
        # 128 random bits, URL-safe.
        assert len(photo.key) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", photo.key)
    assert first.key[:8] != second.key[:8]


def test_media_folder_is_not_served(
    regions: dict[str, Region], user: User, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _file(regions["340321"], user, django_capture_on_commit_callbacks).case.photos.get()
    assert Client().get(f"{settings.MEDIA_URL}{photo.image.name}").status_code == 404


def test_public_photo_is_cached_by_the_browser_only_and_revalidated_by_its_tag(
    regions: dict[str, Region], user: User, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _file(regions["340321"], user, django_capture_on_commit_callbacks).case.photos.get()
    reader = Client()
    first = reader.get(photo.url)
    assert first["Content-Type"] == "image/jpeg"
    assert first["Cache-Control"].startswith("private, max-age=")
    assert first.getvalue()[:2] == b"\xff\xd8"
    again = reader.get(photo.url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


@override_settings(MINJIAN_REVIEW_UNTRUSTED_REPORTS=True)
def test_receipt_grant_expires_after_an_hour(
    regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    filed = _file(regions["340321"], None, django_capture_on_commit_callbacks)
    address = _receipt_addresses(filed)[0]
    assert Client().get(address).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=PHOTO_GRANT_SECONDS + 60)):
        assert Client().get(address).status_code == 404
    other = _file(regions["340321"], None, django_capture_on_commit_callbacks)
    grant = address.split("grant=")[1]
    foreign = f"{other.case.photos.get().url}?grant={grant}"
    assert Client().get(foreign).status_code == 404


@override_settings(
    MINJIAN_MEDIA_SERVING="x-accel-redirect", MINJIAN_MEDIA_INTERNAL_PREFIX="/_media/"
)
def test_behind_nginx_the_file_is_sent_by_an_internal_redirect_after_the_check(
    regions: dict[str, Region], user: User, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    filed = _file(regions["340321"], user, django_capture_on_commit_callbacks)
    photo = filed.case.photos.get()
    answer = Client().get(photo.thumbnail_url)
    assert answer.status_code == 200 and answer.content == b""
    assert answer["X-Accel-Redirect"] == f"/_media/{photo.thumbnail.name}"
    services.case_hide(actor=staff, case_id=filed.case.pk, reason=Case.HiddenReason.HARASSMENT)
    hidden = Client().get(photo.thumbnail_url)
    assert hidden.status_code == 410 and "X-Accel-Redirect" not in hidden


# On S3: a private bucket, read only through signed addresses that expire.


@pytest.fixture
def s3_bucket(settings: Any) -> Iterator[Any]:
    """An S3 server on loopback (moto's), a private bucket on it, and default storage
    pointed at it as `MINJIAN_MEDIA_STORAGE=s3` would point it."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket="minjian-media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "minjian-media",
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
            },
        },
    }
    settings.MINJIAN_MEDIA_SERVING = "signed-redirect"
    settings.MINJIAN_MEDIA_URL_SECONDS = 60
    try:
        yield client
    finally:
        server.stop()


def test_on_s3_photos_are_private_and_read_through_short_lived_signed_addresses(
    s3_bucket: Any,
    regions: dict[str, Region],
    user: User,
    staff: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import requests

    filed = _file(regions["340321"], user, django_capture_on_commit_callbacks)
    photo = filed.case.photos.get()
    stored = s3_bucket.list_objects_v2(Bucket="minjian-media")["Contents"]
    # The upload with its metadata is gone; only the prepared photo and its copies remain.
    assert sorted(entry["Key"] for entry in stored) == sorted(
        [photo.image.name, photo.thumbnail.name, photo.small.name]
    )
    endpoint = s3_bucket.meta.endpoint_url
    assert (
        requests.get(f"{endpoint}/minjian-media/{photo.image.name}", timeout=5).status_code == 403
    )
    for address in _addresses(photo):
        answer = Client().get(address)
        assert answer.status_code == 302
        assert answer["Cache-Control"] == "private, no-store"
        signed = answer["Location"]
        expires = int(re.search(r"Expires=(\d+)", signed).group(1))  # type: ignore[union-attr]  # no match fails
        assert expires - timezone.now().timestamp() <= 61
        fetched = requests.get(signed, timeout=5)
        assert fetched.status_code == 200 and fetched.content[:2] == b"\xff\xd8"
    services.case_hide(actor=staff, case_id=filed.case.pk, reason=Case.HiddenReason.PERSONAL_DATA)
    assert [Client().get(address).status_code for address in _addresses(photo)] == [410, 410, 410]


def test_photo_files_are_gone_from_local_storage_only_as_uploads(
    regions: dict[str, Region], user: User, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _file(regions["340321"], user, django_capture_on_commit_callbacks).case.photos.get()
    files = sorted(
        str(path.relative_to(settings.MEDIA_ROOT))
        for path in Path(settings.MEDIA_ROOT).rglob("*")
        if path.is_file()
    )
    assert files == sorted([photo.image.name, photo.thumbnail.name, photo.small.name])
    assert photo.upload.name == ""
