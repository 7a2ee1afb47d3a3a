"""Every change of a case's photos: keeping the uploads of a report, and preparing them.

A report's photos are checked while the reporter waits (`check_uploads`), stripped of
every metadata block and kept under private names in the report's transaction
(`keep_uploads`), and prepared by a background job (`case_photo_prepare`: faces found
and blurred, re-encoded), so that one request never holds a worker for the seconds that
takes per photo. Only a prepared photo is ever served; the kept upload is deleted then.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from minjian.cases import jobs
from minjian.cases.faces import parse_manual_boxes
from minjian.cases.models import Case, CasePhoto
from minjian.cases.photos import PhotoUpload, check_photo, prepare_photo, strip_metadata
from minjian.cases.recording import record_case_edited
from minjian.core.errors import DomainError, ServiceUnavailable
from minjian.core.public_cache import CASES, case_tag, touch

logger = logging.getLogger(__name__)

UPLOAD_PREFIX = "incoming/"
PHOTO_PREFIX = "photos/"
# How long to wait before trying again after the storage was full.
STORAGE_FULL_RETRY_SECONDS = 600


def check_uploads(photos: Sequence[PhotoUpload], *, already: int = 0) -> None:
    """Check a report's photos before anything is written.

    At most MINJIAN_MAX_PHOTOS_PER_CASE photos per case (`already` are on it), each one a
    photo (`photos.check_photo`), and together at most MINJIAN_MAX_PIXELS_PER_REQUEST
    pixels: checking decodes every pixel, so this bounds what one request costs. The
    count stops at the first photo over the budget: nothing beyond it is decoded. A photo
    checked in an earlier request (`PhotoUpload.checked`, a draft's) is not decoded
    again and costs nothing here; only the boxes drawn on it since are checked.
    """
    check_photo_count(already + len(photos))
    pixels = 0
    for photo in photos:
        if photo.checked is not None:
            parse_manual_boxes(
                photo.blur_boxes, width=photo.checked.width, height=photo.checked.height
            )
            continue
        checked = check_photo(
            photo.stream, name=photo.name, size=photo.size, blur_boxes=photo.blur_boxes
        )
        photo.stream.seek(0)
        pixels += checked.pixels
        check_pixel_budget(pixels)


def check_pixel_budget(pixels: int) -> None:
    """Refuse photos decoded in one request beyond MINJIAN_MAX_PIXELS_PER_REQUEST together."""
    if pixels > settings.MINJIAN_MAX_PIXELS_PER_REQUEST:
        raise DomainError(
            "photos_too_many_pixels",
            _(
                "These photos are too large together (at most %(limit)d million pixels "
                "at a time). Send fewer or smaller photos, and add the others afterwards."
            )
            % {"limit": settings.MINJIAN_MAX_PIXELS_PER_REQUEST // 1_000_000},
            field="photos",
            status=413,
        )


def check_photo_count(total: int) -> None:
    if total > settings.MINJIAN_MAX_PHOTOS_PER_CASE:
        raise DomainError(
            "too_many_photos",
            _("A case can have at most %(limit)d photos.")
            % {"limit": settings.MINJIAN_MAX_PHOTOS_PER_CASE},
            field="photos",
        )


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """Collects the names of files stored inside a transaction and deletes them if
    it fails: the database rolls back by itself, storage does not."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def keep_uploads(
    case: Case,
    photos: Sequence[PhotoUpload],
    *,
    first_position: int,
    stored: list[str],
    held: bool = False,
) -> list[CasePhoto]:
    """Store each checked upload under a private name and defer its preparation; the
    photos' rows, in order. `held`: they wait for a moderator (`CasePhoto.held`).

    Call inside the transaction that writes the case or its addition, within
    `files_removed_on_failure`: the job is deferred in that transaction too (the
    jobs outbox), so it runs if and only if the photo rows were committed.
    """
    records = []
    for offset, photo in enumerate(photos):
        record = CasePhoto(
            case=case,
            position=first_position + offset,
            status=CasePhoto.Status.PREPARING,
            blur_faces=photo.blur_faces,
            blur_boxes=photo.blur_boxes,
            held=held,
        )
        record.upload.name = store_stripped(f"{UPLOAD_PREFIX}{record.key}", photo, stored)
        record.save()
        jobs.prepare_case_photo.defer(record.pk)
        records.append(record)
    return records


def case_photo_prepare(*, photo_id: int) -> int | None:
    """Find and blur the faces of a kept upload, re-encode it, and publish the result;
    the id of the photo's case (None if the photo was deleted meanwhile).

    Safe to run twice: a photo already prepared is left as it is. A photo that cannot be
    prepared after all (the check in the request passed) is marked failed, its upload
    deleted; a full disk or an unreachable storage raises, and the job is tried again.
    """
    photo = CasePhoto.objects.filter(pk=photo_id).first()
    if photo is None or photo.status != CasePhoto.Status.PREPARING:
        return photo.case_id if photo else None
    upload_name = photo.upload.name
    try:
        with default_storage.open(upload_name, "rb") as upload:
            prepared = prepare_photo(
                upload, name=upload_name, blur_faces=photo.blur_faces, blur_boxes=photo.blur_boxes
            )
    except DomainError as refused:
        logger.warning("Photo %s could not be prepared: %s", photo_id, refused.code)
        _finish(photo_id, upload_name, status=CasePhoto.Status.FAILED)
        return photo.case_id
    _finish(
        photo_id,
        upload_name,
        status=CasePhoto.Status.READY,
        image=prepared.image,
        thumbnail=prepared.thumbnail,
        small=prepared.small,
        width=prepared.width,
        height=prepared.height,
        faces_blurred=prepared.faces_blurred,
    )
    return photo.case_id


def _finish(
    photo_id: int,
    upload_name: str,
    *,
    status: CasePhoto.Status,
    image: bytes = b"",
    thumbnail: bytes = b"",
    small: bytes = b"",
    width: int = 0,
    height: int = 0,
    faces_blurred: int = 0,
) -> None:
    with files_removed_on_failure() as stored, transaction.atomic():
        photo = (
            CasePhoto.objects.select_for_update()
            .filter(pk=photo_id, status=CasePhoto.Status.PREPARING)
            .first()
        )
        if photo is None:
            return
        if status == CasePhoto.Status.READY:
            photo.image.name = _store(f"{PHOTO_PREFIX}{photo.key}.jpg", image, stored)
            photo.thumbnail.name = _store(f"{PHOTO_PREFIX}{photo.key}.thumb.jpg", thumbnail, stored)
            photo.small.name = _store(f"{PHOTO_PREFIX}{photo.key}.small.jpg", small, stored)
        photo.status = status
        photo.upload.name = ""
        photo.width, photo.height, photo.faces_blurred = width, height, faces_blurred
        photo.save(
            update_fields=[
                "status",
                "upload",
                "image",
                "thumbnail",
                "small",
                "width",
                "height",
                "faces_blurred",
            ]
        )
        if status == CasePhoto.Status.READY and photo.case.is_public:
            # Its case's page, and the lists, show the photo from now on.
            touch(CASES, case_tag(photo.case_id))
            if not photo.held:
                record_case_edited(photo.case)
        transaction.on_commit(lambda: default_storage.delete(upload_name))


def store_stripped(name: str, photo: PhotoUpload, stored: list[str]) -> str:
    """Store a checked upload with every metadata block removed first
    (`photos.strip_metadata`): what the reporter's camera wrote never reaches the disk."""
    # From its start, whoever read it before (as storage does when it saves a file).
    photo.stream.seek(0)
    return _store(name, strip_metadata(photo.stream.read(), name=photo.name), stored)


def _store(name: str, content: IO[bytes] | bytes, stored: list[str]) -> str:
    """Save one file under `name` and note it in `stored`; a write that fails half-way
    (a full disk) leaves no partial file and says so in the reporter's words."""
    wrapped = ContentFile(content) if isinstance(content, bytes) else File(content)
    try:
        saved = default_storage.save(name, wrapped)
    except OSError as error:
        if default_storage.exists(name):
            default_storage.delete(name)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            logger.error("Storage is full: %s could not be written.", name)
            raise ServiceUnavailable(
                "storage_full",
                _(
                    "The server has no room to store photos right now, so nothing was "
                    "saved. Please try again later."
                ),
                retry_after=STORAGE_FULL_RETRY_SECONDS,
            ) from error
        raise
    stored.append(saved)
    return saved
