"""Finding faces, blurring them beyond recognition, and the boxes a reporter draws.

The photos and how the faces in them are marked: face_samples.py and
data/faces/README.md. The recall the tests ask for is the one measured on
this set and recorded in docs/privacy.md ("Faces"), less one face of slack.
"""

from __future__ import annotations

import importlib.util
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from minjian.cases import faces
from minjian.cases.faces import Box, blur_boxes, detect_faces, parse_manual_boxes
from minjian.cases.photos import THUMBNAIL_SIDE
from minjian.cases.tests import face_samples
from minjian.cases.tests.face_samples import Sample
from minjian.core.errors import DomainError

# Measured: every face in these photos is found (docs/privacy.md). One miss per
# set is allowed, so that a different CPU's rounding on a borderline face does
# not fail the suite.
ALLOWED_MISSES = 1
# A face counts as blurred beyond recognition when the variance of the image's
# Laplacian (its fine detail: edges of eyes, mouth, hair) falls by more than this.
DETAIL_REMOVED = 0.9
# The score from which the network in floats kept faces (bench/faces_eval.py).
JUDGE_THRESHOLD = 0.25


def detail(image: Image.Image, box: Box) -> float:
    region = image.convert("L").crop((box.x, box.y, box.right, box.bottom))
    return float(cv2.Laplacian(np.asarray(region), cv2.CV_64F).var())


def misses(samples: list[Sample]) -> list[str]:
    """The names of the photos with a marked face the detector did not find, once per face."""
    return [
        sample.name
        for sample in samples
        for face in sample.faces
        if not face_samples.is_found(face, detect_faces(sample.image))
    ]


def test_the_model_comes_from_inside_the_installed_package() -> None:
    spec = importlib.util.find_spec(faces.MODEL_PACKAGE)
    assert spec is not None and spec.origin is not None
    package_dir = Path(spec.origin).parent
    path = faces.model_path()
    assert path.parent == package_dir
    assert "site-packages" in path.parts
    assert path.is_file() and path.stat().st_size > 1_000_000


def test_detection_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("face detection tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    faces._session.cache_clear()
    sample = face_samples.photos_with_faces()[0]

    assert face_samples.is_found(sample.faces[0], detect_faces(sample.image))


def test_faces_in_real_photos_are_found() -> None:
    missed = misses(face_samples.photos_with_faces())

    assert len(missed) <= ALLOWED_MISSES, missed


def test_faces_turned_by_twenty_degrees_are_found() -> None:
    missed = misses(face_samples.turned_photos())

    assert len(missed) <= ALLOWED_MISSES, missed


def test_bystanders_in_a_street_photo_are_found() -> None:
    crowd = face_samples.crowds()[0]
    assert max(crowd.image.size) > faces.DETECTION_SIDES[0]

    missed = misses([crowd])

    assert len(missed) <= ALLOWED_MISSES, missed


def test_a_face_filling_the_photo_is_found() -> None:
    assert misses(face_samples.close_ups()[:1]) == []


def test_photos_without_faces_get_no_boxes() -> None:
    # The demo's drawn scenes are many and alike: every third is enough here
    # (bench/faces_eval.py runs them all).
    samples = face_samples.photos_without_faces()
    drawn = [sample for sample in samples if sample.name.startswith("demo ")]
    photographed = [sample for sample in samples if not sample.name.startswith("demo ")]
    false_positives = [
        (sample.name, box)
        for sample in photographed + drawn[::3]
        for box in detect_faces(sample.image)
    ]

    assert len(false_positives) <= 1, false_positives


def test_detected_boxes_lie_inside_the_photo_and_leave_it_unchanged() -> None:
    sample = face_samples.photos_with_faces()[0]
    before = sample.image.tobytes()

    for box in detect_faces(sample.image):
        assert box.clipped(*sample.image.size) == box
    assert sample.image.tobytes() == before


def test_photos_of_other_sizes_in_a_row_get_the_boxes_each_gets_alone() -> None:
    # One network serves every photo of a process: it must not keep the shape of
    # the first input it saw.
    photos = [
        face_samples.close_ups()[4].image,
        face_samples.photos_with_faces()[1].image,
        face_samples.close_ups()[0].image,
        face_samples.photos_with_faces()[0].image,
    ]
    alone = []
    for photo in photos:
        faces._session.cache_clear()
        alone.append(detect_faces(photo))

    assert [detect_faces(photo) for photo in photos] == alone
    assert all(alone)


def test_photos_prepared_side_by_side_get_the_boxes_each_gets_alone() -> None:
    # A worker's threads share that network.
    photos = [sample.image for sample in face_samples.turned_photos()[:8]]
    alone = [detect_faces(photo) for photo in photos]

    with ThreadPoolExecutor(max_workers=4) as pool:
        side_by_side = list(pool.map(detect_faces, photos))

    assert side_by_side == alone
    assert all(alone)


@pytest.mark.parametrize("size", [(1, 1), (10, 10), (31, 64), (64, 48)])
def test_tiny_photos_have_no_faces(size: tuple[int, int]) -> None:
    for colour in ((0, 0, 0), (128, 128, 128), (255, 255, 255)):
        assert detect_faces(Image.new("RGB", size, colour)) == []


def test_blurred_faces_lose_their_detail_and_are_not_found_again() -> None:
    # The judge of the blur is the network in floats at the score it kept faces at, not
    # the shipped detector, whose threshold is tuned to find more: at 0.2 it sees a
    # head-shaped blob in the cameraman's blurred face (scored 0.246, the floats 0.149).
    judge = faces.inference_session(faces.source_model().SerializeToString())
    for sample in face_samples.photos_with_faces():
        blurred = blur_boxes(sample.image, detect_faces(sample.image))

        for face in sample.faces:
            assert detail(blurred, face) < (1 - DETAIL_REMOVED) * detail(sample.image, face), (
                sample.name
            )
        found_again = detect_faces(blurred, network=judge, threshold=JUDGE_THRESHOLD)
        assert not any(face_samples.is_found(face, found_again) for face in sample.faces), (
            sample.name
        )


def test_a_face_blurred_at_full_size_stays_blurred_in_the_thumbnail() -> None:
    close_up = face_samples.close_ups()[0]
    (face,) = close_up.faces
    scale = THUMBNAIL_SIDE / max(close_up.image.size)
    small_face = Box(
        round(face.x * scale),
        round(face.y * scale),
        round(face.width * scale),
        round(face.height * scale),
    )

    def thumbnail(image: Image.Image) -> Image.Image:
        small = image.copy()
        small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
        return small

    original = thumbnail(close_up.image)
    blurred = thumbnail(blur_boxes(close_up.image, detect_faces(close_up.image)))

    assert face_samples.is_found(small_face, detect_faces(original))
    assert not face_samples.is_found(small_face, detect_faces(blurred))
    assert detail(blurred, small_face) < (1 - DETAIL_REMOVED) * detail(original, small_face)


def test_a_photo_without_faces_is_unchanged_pixel_for_pixel() -> None:
    for name in face_samples.CAMERA_PHOTOS:
        photo = face_samples.load(face_samples.DATA / name)

        assert blur_boxes(photo, detect_faces(photo)).tobytes() == photo.tobytes()


def test_manual_boxes_are_blurred_and_nothing_else_changes() -> None:
    photo = face_samples.load(face_samples.DATA / "DSCN0010.jpg")
    boxes = parse_manual_boxes(
        "0.1,0.2,0.25,0.3;0.6,0.5,0.2,0.2", width=photo.width, height=photo.height
    )

    blurred = blur_boxes(photo, boxes)

    for box in boxes:
        assert detail(blurred, box) < (1 - DETAIL_REMOVED) * detail(photo, box)
    mask = _inside(photo.size, boxes)
    assert np.array_equal(np.asarray(blurred)[~mask], np.asarray(photo)[~mask])


def _inside(size: tuple[int, int], boxes: list[Box]) -> npt.NDArray[np.bool_]:
    mask = np.zeros((size[1], size[0]), dtype=bool)
    for box in boxes:
        inside = box.clipped(*size)
        if inside is not None:
            mask[inside.y : inside.bottom, inside.x : inside.right] = True
    return mask


boxes_anywhere = st.lists(
    st.builds(
        Box,
        x=st.integers(-40, 80),
        y=st.integers(-40, 60),
        width=st.integers(1, 90),
        height=st.integers(1, 70),
    ),
    max_size=4,
)


@given(boxes=boxes_anywhere, seed=st.integers(0, 2**32 - 1), mode=st.sampled_from(["RGB", "L"]))
def test_blurring_changes_only_pixels_inside_the_boxes(
    boxes: list[Box], seed: int, mode: str
) -> None:
    noise = np.random.default_rng(seed).integers(0, 256, (48, 64, 3), dtype=np.uint8)
    photo = Image.fromarray(noise).convert(mode)

    blurred = blur_boxes(photo, boxes)

    assert blurred.size == photo.size and blurred.mode == photo.mode
    mask = _inside(photo.size, boxes)
    assert np.array_equal(np.asarray(blurred)[~mask], np.asarray(photo)[~mask])


def test_blurring_accepts_any_mode_and_leaves_the_original_alone() -> None:
    photo = face_samples.photos_with_faces()[0].image
    before = photo.tobytes()
    boxes = [Box(10, 10, 50, 50)]

    for mode in ("RGB", "RGBA", "L", "P", "CMYK", "1"):
        assert blur_boxes(photo.convert(mode), boxes).size == photo.size
    assert photo.tobytes() == before


# The boxes a reporter draws.

fraction_boxes = st.tuples(
    st.floats(0, 0.99), st.floats(0, 0.99), st.floats(0.001, 1), st.floats(0.001, 1)
).map(lambda box: (box[0], box[1], min(box[2], 1 - box[0]), min(box[3], 1 - box[1])))


def _written(box: tuple[float, float, float, float]) -> str:
    return ",".join(f"{number:.6f}" for number in box)


@given(
    drawn=st.lists(fraction_boxes, max_size=8),
    width=st.integers(1, 6000),
    height=st.integers(1, 6000),
)
def test_drawn_boxes_cover_what_was_drawn_and_lie_inside_the_photo(
    drawn: list[tuple[float, float, float, float]], width: int, height: int
) -> None:
    raw = ";".join(_written(box) for box in drawn)

    boxes = parse_manual_boxes(raw, width=width, height=height)

    assert len(boxes) == len(drawn)
    for box, (x, y, w, h) in zip(boxes, drawn, strict=True):
        x, y, w, h = (float(f"{number:.6f}") for number in (x, y, w, h))
        assert box.clipped(width, height) == box
        assert box.x <= x * width + 1e-6 and box.right >= min(width, (x + w) * width) - 1e-3
        assert box.y <= y * height + 1e-6 and box.bottom >= min(height, (y + h) * height) - 1e-3


@given(box=fraction_boxes, scale=st.sampled_from([0.5, 0.512, 0.25]))
def test_drawn_boxes_scale_with_the_published_photo(
    box: tuple[float, float, float, float], scale: float
) -> None:
    raw = _written(box)
    (original,) = parse_manual_boxes(raw, width=4000, height=3000)
    (published,) = parse_manual_boxes(raw, width=round(4000 * scale), height=round(3000 * scale))

    assert abs(published.x - original.x * scale) <= 1
    assert abs(published.right - original.right * scale) <= 2
    assert abs(published.y - original.y * scale) <= 1
    assert abs(published.bottom - original.bottom * scale) <= 2


@given(raw=st.text(max_size=200))
def test_any_text_gives_boxes_inside_the_photo_or_the_blur_boxes_error(raw: str) -> None:
    try:
        boxes = parse_manual_boxes(raw, width=640, height=480)
    except DomainError as error:
        assert error.code == "invalid_blur_boxes"
        assert error.field == "photos"
    else:
        assert all(box.clipped(640, 480) == box for box in boxes)


@pytest.mark.parametrize("raw", ["", "   ", "\n"])
def test_no_drawn_boxes_is_an_empty_list(raw: str) -> None:
    assert parse_manual_boxes(raw, width=640, height=480) == []


def test_a_drawn_box_in_fractions_becomes_pixels() -> None:
    assert parse_manual_boxes(" 0.25, .5 ,0.5,0.25 ; 0,0,1,1", width=640, height=480) == [
        Box(160, 240, 320, 120),
        Box(0, 0, 640, 480),
    ]


@pytest.mark.parametrize(
    "raw",
    [
        "0.1,0.1,0.2",  # three numbers
        "0.1,0.1,0.2,0.2,0.3",  # five
        "0.1;0.1;0.2;0.2",
        "0.1,0.1,0.2,0.2;",  # an empty box after the last
        ";0.1,0.1,0.2,0.2",
        "0.1,0.1,0,0.2",  # no width
        "0.1,0.1,0.2,0",
        "-0.1,0.1,0.2,0.2",
        "0.1,0.1,1.2,0.2",  # wider than the photo
        "0.9,0.1,0.2,0.2",  # past the right edge
        "0.5,0.1,0.502,0.2",  # further than rounding could take it
        "0.1,0.9,0.2,0.2",  # past the bottom
        "1,0,0.5,0.5",
        "nan,0.1,0.2,0.2",
        "inf,0.1,0.2,0.2",
        "1e-1,0.1,0.2,0.2",
        "0x1,0.1,0.2,0.2",
        "０.1,0.1,0.2,0.2",  # a full-width digit
        "0.1 0.1 0.2 0.2",
        "10,10,100,100",  # pixels, not fractions
        "0.1,0.1,0.2,0.2" + ";0.1,0.1,0.2,0.2" * faces.MAX_MANUAL_BOXES,
        "0." + "1" * 5000 + ",0.1,0.2,0.2",
    ],
)
def test_unreadable_drawn_boxes_are_refused(raw: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_manual_boxes(raw, width=640, height=480)

    assert refused.value.code == "invalid_blur_boxes"
    assert refused.value.field == "photos"
    assert refused.value.status == 400


def test_the_refusal_says_what_is_wrong() -> None:
    with pytest.raises(DomainError) as refused:
        parse_manual_boxes("0.1,0.1,0,0.2", width=640, height=480)

    with translation.override("en"):
        assert "blur box" in str(refused.value.message)
