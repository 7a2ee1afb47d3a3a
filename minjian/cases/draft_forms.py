"""A form's photos kept between its sendings: what the report form and the additions
to a case (her own, or a witness's) do with the files of a request before anything else,
and an addition checked with the photos of its draft."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest

from minjian.abuse import ratelimit
from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.forms import drawn_boxes
from minjian.cases.photos import PhotoUpload
from minjian.cases.services_drafts import KeptPhotos, photo_draft_keep
from minjian.core.errors import DomainError

# Kept photos take room on the disk for hours: each counts, for web forms together.
DRAFT_PHOTO_SCOPE = "draft_photo"


def keep_photos_sent(request: HttpRequest, *, actor: User | None, already: int = 0) -> KeptPhotos:
    """The form's draft after this request: the photos chosen now, checked and kept with
    those kept before, less the ones she removed, with the boxes she drew on them. Photos
    over the rate limit are not kept, and the refusal says so next to the photos.
    `already`: photos the case has, which count towards the most one case may have."""
    uploads = [PhotoUpload.from_upload(upload) for upload in request.FILES.getlist("photos")]
    limited: list[DomainError] = []
    try:
        for _upload in uploads:
            ratelimit.limit_requester(request, DRAFT_PHOTO_SCOPE, user=actor)
    except ratelimit.RateLimited as refused:
        limited.append(
            DomainError(refused.code, refused.message, field="photos", details=refused.details)
        )
        uploads = []
    kept = photo_draft_keep(
        key=request.POST.get("draft", ""),
        uploads=uploads,
        remove=request.POST.getlist("remove_photo"),
        drawn_boxes=drawn_boxes(request.POST),
        already=already,
    )
    return KeptPhotos(key=kept.key, photos=kept.photos, refused=limited + kept.refused)


def check_addition_with_draft(text: str, photos: Sequence[PhotoUpload], kept: KeptPhotos) -> None:
    """Refuse an addition to a case (`services.check_addition`) with every refusal at
    once, the photos of its draft's first (`services.Refused`)."""
    refusals = list(kept.refused)
    try:
        services.check_addition(text, photos)
    except DomainError as refusal:
        refusals.append(refusal)
    if refusals:
        raise services.Refused(refusals)
