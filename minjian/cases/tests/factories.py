from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.test import Client

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.jobs import prepare_case_photo
from minjian.cases.models import Case, DuplicateSuggestion
from minjian.cases.photos import PhotoUpload
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region


def make_case(
    region: Region,
    *,
    reporter: User | None = None,
    title: str = "造纸厂向淮河排污",
    description: str = "每天夜里排放黑色污水。",
    topic: str = "environment",
    photos: Sequence[UploadedFile] = (),
    prepare_photos: bool = True,
    **kwargs: Any,
) -> Case:
    """A filed case; its photos prepared (and so the case published, when it is published
    without review) as the jobs deferred by its commit would, unless `prepare_photos` is off."""
    case = services.case_submit(
        reporter=reporter,
        title=title,
        description=description,
        topic_slug=topic,
        region_code=region.code,
        photos=[PhotoUpload.from_upload(upload) for upload in photos],
        **kwargs,
    ).case
    if prepare_photos and photos:
        for photo in case.photos.all():
            prepare_case_photo(photo.pk)
        case.refresh_from_db()
    return case


def make_suggested_pairs(region: Region, count: int) -> list[DuplicateSuggestion]:
    """`count` suggested pairs of public cases with two photos each, scores rising."""
    suggestions = []
    for number in range(count):
        original = make_case(region, title=f"淮河排污{number}", photos=[jpeg_upload()] * 2)
        case = make_case(region, title=f"淮河又排污{number}", photos=[jpeg_upload()] * 2)
        suggestions.append(
            DuplicateSuggestion.objects.create(
                case=case, original=original, score=0.5 + number / 10
            )
        )
    return suggestions


def receipt_code_of_report(client: Client, data: dict[str, Any], **extra: Any) -> str:
    """Send the report form as an anonymous reporter and read her receipt code on the
    receipt page she is sent to (303), as her browser would."""
    sent = client.post("/cases/report/", data, **extra)
    assert sent.status_code == 303, sent.content.decode()[:2000]
    assert sent["Location"] == "/cases/report/receipt/"
    receipt = client.get(sent["Location"], **extra)
    code: str = receipt.context["receipt"]["code"]
    return code
