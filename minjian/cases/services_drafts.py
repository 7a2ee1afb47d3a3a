"""Photos chosen with a form that is not sent yet: kept so that nothing is chosen twice.

A browser never fills a file input again. When the report form (or the reporter's form
to add to her case) comes back to her, refused for a mistake or sent back to narrow the
region down, the photos she chose would be lost. So every photo sent with such a form is
checked at once (`photos.check_photo`, the same checks as a report's) and kept under a
private name in a `PhotoDraft`, found by a random key that travels in a hidden field of
her form. The form shows each kept photo as a small preview with a way to remove it, and
the next time it is sent its photos are the draft's and whatever she chose since.

Nothing of a draft is served: the previews are written into her page itself (data:
addresses), and the files lie under the uploads' private prefix. A draft is deleted when
its form is sent, and otherwise once it has not been used for DRAFT_LIFETIME, by a job
that a new draft starts now and then, or by `manage.py delete_stale_drafts`.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from minjian.cases import jobs
from minjian.cases.models import DraftPhoto, PhotoDraft
from minjian.cases.photos import CheckedPhoto, PhotoUpload, check_photo
from minjian.cases.services_photos import (
    UPLOAD_PREFIX,
    check_photo_count,
    check_pixel_budget,
    files_removed_on_failure,
    store_stripped,
)
from minjian.core.errors import DomainError

DRAFT_LIFETIME = timedelta(hours=6)
DRAFT_PREFIX = f"{UPLOAD_PREFIX}draft-"
# How often one process asks for the stale drafts to be deleted, at most.
SWEEP_EVERY_SECONDS = 600


@dataclass(frozen=True)
class KeptPhotos:
    """The photos of a form's draft after a request: `key` to send with the form again
    ("" when none is kept), the photos in their order, and why any new one was refused."""

    key: str = ""
    photos: list[DraftPhoto] = field(default_factory=list)
    refused: list[DomainError] = field(default_factory=list)


@dataclass(frozen=True)
class _Checked:
    upload: PhotoUpload
    result: CheckedPhoto
    blur_boxes: str


def draft_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def photo_draft_keep(
    *,
    key: str,
    uploads: Sequence[PhotoUpload],
    remove: Collection[str] = (),
    drawn_boxes: Mapping[int, str] | None = None,
    already: int = 0,
) -> KeptPhotos:
    """Keep the photos sent with a form in its draft, and apply the reporter's changes.

    The page she sent numbered the draft's photos first (1, 2, ...), then the files
    she chose with it: `drawn_boxes` (boxes she drew, by number) and the new files'
    order follow that numbering. `remove` holds the ids of draft photos she took
    out. Each new file is checked like any report's photo; one that is refused is
    not kept and its refusal is returned, as is one beyond the photos a case may
    have (`already` are on it) or beyond the pixels one request may decode. A
    draft whose key is unknown or too old starts anew, and says so.
    """
    boxes = drawn_boxes or {}
    refused: list[DomainError] = []
    draft = _live_draft(key) if key else None
    if key and draft is None:
        refused.append(_expired())
    earlier = list(draft.photos.all()) if draft else []
    staying = [photo for photo in earlier if str(photo.pk) not in remove]
    checked: list[_Checked] = []
    pixels = 0
    for number, upload in enumerate(uploads, start=len(earlier) + 1):
        drawn = boxes.get(number, "")
        try:
            check_photo_count(already + len(staying) + len(checked) + 1)
            result = check_photo(
                upload.stream,
                name=upload.name,
                size=upload.size,
                blur_boxes=drawn,
                with_preview=True,
            )
            pixels += result.pixels
            check_pixel_budget(pixels)
        except DomainError as error:
            refused.append(error)
            if error.code in ("too_many_photos", "photos_too_many_pixels"):
                break
            continue
        upload.stream.seek(0)
        checked.append(_Checked(upload, result, drawn))
    with files_removed_on_failure() as stored, transaction.atomic():
        if draft is None and not checked:
            return KeptPhotos(refused=refused)
        if draft is None:
            key = secrets.token_urlsafe(32)
            draft = PhotoDraft.objects.create(key_digest=draft_digest(key))
            _sweep_now_and_then()
        removed = [photo for photo in earlier if str(photo.pk) in remove]
        for number, photo in enumerate(earlier, start=1):
            if photo in staying and number in boxes and boxes[number] != photo.blur_boxes:
                photo.blur_boxes = boxes[number]
                photo.save(update_fields=["blur_boxes"])
        kept = list(staying)
        for new in checked:
            photo = DraftPhoto(
                draft=draft,
                position=len(kept),
                name=new.upload.name[:255],
                size=new.upload.size,
                width=new.result.width,
                height=new.result.height,
                blur_boxes=new.blur_boxes,
                preview=new.result.preview,
            )
            photo.upload.name = store_stripped(
                f"{DRAFT_PREFIX}{secrets.token_urlsafe(16)}", new.upload, stored
            )
            photo.save()
            kept.append(photo)
        for position, photo in enumerate(kept):
            if photo.position != position:
                photo.position = position
                photo.save(update_fields=["position"])
        _delete_photos(removed)
        if not kept:
            draft.delete()
            return KeptPhotos(refused=refused)
        draft.updated_at = timezone.now()
        draft.save(update_fields=["updated_at"])
    return KeptPhotos(key=key, photos=kept, refused=refused)


def photo_draft_photos(key: str) -> KeptPhotos:
    """The photos of a live draft, without changing it (a form shown again as it was)."""
    draft = _live_draft(key) if key else None
    if draft is None:
        return KeptPhotos(refused=[_expired()] if key else [])
    return KeptPhotos(key=key, photos=list(draft.photos.all()))


@contextmanager
def draft_uploads(photos: Sequence[DraftPhoto]) -> Iterator[list[PhotoUpload]]:
    """The draft's photos as uploads for a service, open while the block runs. They
    were checked when kept (`PhotoUpload.checked`): they are not decoded again."""
    with ExitStack() as files:
        yield [
            PhotoUpload(
                name=photo.name,
                size=photo.size,
                stream=files.enter_context(default_storage.open(photo.upload.name, "rb")),
                blur_boxes=photo.blur_boxes,
                checked=CheckedPhoto(width=photo.width, height=photo.height),
            )
            for photo in photos
        ]


def photo_draft_discard(*, key: str) -> None:
    """The form was sent: its draft and the files it kept go (the case has its own copies)."""
    if not key:
        return
    with transaction.atomic():
        draft = PhotoDraft.objects.filter(key_digest=draft_digest(key)).first()
        if draft is not None:
            _delete_draft(draft)


def photo_drafts_delete_stale(*, now: datetime | None = None) -> int:
    """Delete every draft not used for DRAFT_LIFETIME, with its files; how many went."""
    moment = now or timezone.now()
    stale = list(PhotoDraft.objects.filter(updated_at__lt=moment - DRAFT_LIFETIME))
    for draft in stale:
        with transaction.atomic():
            _delete_draft(draft)
    return len(stale)


def _live_draft(key: str) -> PhotoDraft | None:
    return PhotoDraft.objects.filter(
        key_digest=draft_digest(key), updated_at__gte=timezone.now() - DRAFT_LIFETIME
    ).first()


def _expired() -> DomainError:
    hours = int(DRAFT_LIFETIME.total_seconds() // 3600)
    return DomainError(
        "draft_expired",
        ngettext_lazy(
            "The photos you chose earlier are kept for %(hours)d hour only. Please choose "
            "them again.",
            "The photos you chose earlier are kept for %(hours)d hours only. Please choose "
            "them again.",
            "hours",
        )
        % {"hours": hours},
        field="photos",
    )


def _delete_draft(draft: PhotoDraft) -> None:
    _delete_photos(list(draft.photos.all()))
    draft.delete()


def _delete_photos(photos: Sequence[DraftPhoto]) -> None:
    names = [str(photo.upload.name) for photo in photos]
    DraftPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()

    def delete_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete_files)


_sweep_lock = threading.Lock()
_last_sweep = -float("inf")


def _sweep_now_and_then() -> None:
    """Ask for the stale drafts to be deleted, at most every SWEEP_EVERY_SECONDS per
    process: new drafts are when old ones may be lying about, and no cron is needed."""
    global _last_sweep
    clock = time.monotonic()
    with _sweep_lock:
        if clock - _last_sweep < SWEEP_EVERY_SECONDS:
            return
        _last_sweep = clock
    jobs.delete_stale_photo_drafts.defer()
