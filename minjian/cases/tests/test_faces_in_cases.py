"""Faces in a reported photo are blurred in what is published, unless the reporter
confirmed otherwise; boxes she drew are blurred too."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from minjian.cases.faces import Box, detect_faces
from minjian.cases.models import Case
from minjian.cases.tests.face_samples import FACES_DATA, photos_with_faces
from minjian.cases.tests.images import upload
from minjian.cases.tests.test_faces import DETAIL_REMOVED, detail
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

PORTRAIT = "grace_hopper.jpg"
FORM = {
    "title": "Official refuses to take the complaint",
    "description": "He sent us away at the door of the bureau.",
    "topic": "corruption",
    "region": "340300",
}


def _sent(name: str = PORTRAIT) -> Any:
    return upload(name, (FACES_DATA / name).read_bytes())


def _published(case: Case) -> Image.Image:
    with case.photos.get().image.open("rb") as stored:
        return Image.open(io.BytesIO(stored.read())).convert("RGB")


def _face_in(image: Image.Image) -> Box:
    sample = next(s for s in photos_with_faces() if s.name == PORTRAIT)
    face = sample.faces[0]
    scale = image.width / sample.image.width
    return Box(
        round(face.x * scale),
        round(face.y * scale),
        round(face.width * scale),
        round(face.height * scale),
    )


def test_faces_are_blurred_in_the_published_photo(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    original = Image.open(FACES_DATA / PORTRAIT).convert("RGB")
    assert detect_faces(original)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cases/report/", FORM | {"photos": [_sent()]})
    published = _published(Case.objects.get())
    face = _face_in(published)
    assert detail(published, face) < (1 - DETAIL_REMOVED) * detail(
        original.resize(published.size), face
    )
    assert detect_faces(published) == []
    assert Case.objects.get().photos.get().faces_blurred >= 1


def test_reporter_may_leave_faces_unblurred_only_after_the_warning(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    refused = client.post(
        "/cases/report/", FORM | {"photos": [_sent()], "unblurred": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert "can be recognised" in refused.text and not Case.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/cases/report/",
            FORM | {"photos": [_sent()], "unblurred": "1", "unblurred_confirmed": "on"},
        )
    published = _published(Case.objects.get())
    assert detect_faces(published)


def test_boxes_drawn_by_the_reporter_are_blurred(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/cases/report/",
            FORM
            | {
                "photos": [_sent("coffee.jpg")],
                "blur_boxes_1": "0.25,0.25,0.5,0.5",
            },
        )
    published = _published(Case.objects.get())
    original = Image.open(FACES_DATA / "coffee.jpg").convert("RGB").resize(published.size)
    middle = Box(
        published.width // 4 + 4,
        published.height // 4 + 4,
        published.width // 2 - 8,
        published.height // 2 - 8,
    )
    assert detail(published, middle) < (1 - DETAIL_REMOVED) * detail(original, middle)


def test_a_bad_box_is_refused_and_nothing_is_stored(
    client: Client, regions: dict[str, Region]
) -> None:
    response = client.post(
        "/api/v1/cases",
        {
            "title": "t",
            "description": "d",
            "topic": "other",
            "region": "340300",
            "photos": [_sent("coffee.jpg")],
            "blur_boxes_1": "0.9,0.9,0.5,0.5",
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_blur_boxes"
    assert not Case.objects.exists()
