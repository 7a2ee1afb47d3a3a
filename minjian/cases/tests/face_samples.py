"""Photos with and without faces, for testing and measuring face detection.

The real photos are in data/faces (see its README for where each comes from),
with the faces in them marked by hand below. From them this module builds the
harder cases a street photo brings: faces turned by ±20°, close-ups, and crowds
of bystanders 30 to 60 pixels high on a 2048-pixel street scene. The photos
without faces are the package photos of cats, cups and buildings, the
project's own camera photos and the demo's drawn scenes.

Everything here is built from the same pixels every time, so a measurement can
be repeated.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from minjian.cases.faces import Box
from minjian.demo.photos import SCENES, draw_scene

DATA = Path(__file__).parent / "data"
FACES_DATA = DATA / "faces"

# Each face: from the brow to the chin and from cheek to cheek, in pixels of the
# file in data/faces.
FACES: dict[str, tuple[Box, ...]] = {
    "astronaut.jpg": (Box(182, 58, 88, 120),),
    "biden.jpg": (Box(109, 43, 73, 102),),
    "cameraman.jpg": (Box(202, 119, 55, 77),),
    "grace_hopper.jpg": (Box(165, 114, 169, 201),),
    "luis_pedro.jpg": (Box(37, 67, 187, 254),),
    "obama_blue_room.jpg": (Box(156, 66, 61, 79),),
    "obama_podium.jpg": (Box(94, 116, 128, 180),),
    "obama_portrait.jpg": (Box(185, 46, 113, 160),),
}
# Faces cut by the frame or out of focus: finding them is right, missing them is
# not counted as a miss.
PARTIAL_FACES: dict[str, tuple[Box, ...]] = {
    "obama_podium.jpg": (Box(266, 168, 26, 114),),
}
PACKAGE_PHOTOS_WITHOUT_FACES = (
    "chelsea.jpg",
    "china.jpg",
    "coffee.jpg",
    "flower.jpg",
    "rocket.jpg",
)
CAMERA_PHOTOS = ("Canon_40D.jpg", "DSCN0010.jpg", "DSCN0012.jpg", "landscape_6.jpg")
CROWD_SIZE = (2048, 1536)
CROWD_BACKGROUNDS = ("DSCN0012.jpg", "DSCN0010.jpg", "landscape_6.jpg")
BYSTANDER_FACE_HEIGHTS = (30, 60)
DISTANT_FACE_HEIGHTS = (16, 30)
TURN_DEGREES = 20
CLOSE_UP_FACE_HEIGHT = 900

# A detection finds a face when at least this share of the smaller of the two
# boxes lies in both: the detector's box has a margin, a turned face's marked
# box has corners.
MATCHING_OVERLAP = 0.5
# ... and is at most this many times larger than the face, so that one box over
# the whole photo does not count as finding every face in it.
MATCHING_SIZE_RATIO = 16


@dataclass(frozen=True)
class Sample:
    name: str
    image: Image.Image
    faces: tuple[Box, ...] = ()
    partial_faces: tuple[Box, ...] = field(default=())


def load(path: Path) -> Image.Image:
    with Image.open(path) as opened:
        return ImageOps.exif_transpose(opened).convert("RGB")


def photos_with_faces() -> list[Sample]:
    return [
        Sample(name, load(FACES_DATA / name), faces, PARTIAL_FACES.get(name, ()))
        for name, faces in FACES.items()
    ]


def photos_without_faces() -> list[Sample]:
    return (
        [Sample(name, load(FACES_DATA / name)) for name in PACKAGE_PHOTOS_WITHOUT_FACES]
        + [Sample(name, load(DATA / name)) for name in CAMERA_PHOTOS]
        + [Sample(f"demo {scene}", draw_scene(scene, seed=1)) for scene in SCENES]
    )


def turned_photos() -> list[Sample]:
    """Each photo with faces turned by ±TURN_DEGREES, on a grey ground."""
    return [
        _turned(sample, degrees)
        for sample in photos_with_faces()
        for degrees in (-TURN_DEGREES, TURN_DEGREES)
    ]


def _turned(sample: Sample, degrees: int) -> Sample:
    def turn(picture: Image.Image, fill: int | tuple[int, int, int]) -> Image.Image:
        return picture.rotate(
            degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill
        )

    def turn_box(box: Box) -> Box:
        return _bounding_box(turn(_box_mask(sample.image.size, box), 0))

    return Sample(
        f"{sample.name} turned {degrees:+d}°",
        turn(sample.image, (128, 128, 128)),
        tuple(turn_box(face) for face in sample.faces),
        tuple(turn_box(face) for face in sample.partial_faces),
    )


def close_ups() -> list[Sample]:
    """Each face filling most of a large photo, as in a selfie."""
    samples = []
    for sample in photos_with_faces():
        face = sample.faces[0]
        crop = Box(face.x - face.width, face.y - face.height // 2, face.width * 3, face.height * 2)
        inside = crop.clipped(*sample.image.size)
        assert inside is not None
        scale = CLOSE_UP_FACE_HEIGHT / face.height
        picture = sample.image.crop((inside.x, inside.y, inside.right, inside.bottom)).resize(
            (round(inside.width * scale), round(inside.height * scale)), Image.Resampling.BICUBIC
        )
        samples.append(
            Sample(
                f"{sample.name} close-up",
                picture,
                (_scaled(face, scale, -inside.x, -inside.y),),
            )
        )
    return samples


def crowds(face_heights: tuple[int, int] = BYSTANDER_FACE_HEIGHTS) -> list[Sample]:
    """Street scenes with every face in the set pasted in small, turned and mirrored."""
    return [
        _crowd(
            f"crowd of {face_heights[0]}–{face_heights[1]} px faces on {background}",
            DATA / background,
            face_heights,
            seed,
        )
        for seed, background in enumerate(CROWD_BACKGROUNDS)
    ]


def _crowd(name: str, background: Path, face_heights: tuple[int, int], seed: int) -> Sample:
    rng = random.Random(seed)
    canvas = load(background).resize(CROWD_SIZE, Image.Resampling.BICUBIC)
    columns, rows = 4, 3
    cell_width, cell_height = CROWD_SIZE[0] // columns, CROWD_SIZE[1] // rows
    cells = rng.sample(range(columns * rows), len(FACES))
    faces = []
    for cell, sample in zip(cells, photos_with_faces(), strict=True):
        person, face_mask = _bystander(sample, face_heights, rng)
        left = (cell % columns) * cell_width + rng.randrange(cell_width - person.width)
        top = (cell // columns) * cell_height + rng.randrange(cell_height - person.height)
        canvas.paste(person.convert("RGB"), (left, top), person.getchannel("A"))
        face = _bounding_box(face_mask)
        faces.append(Box(face.x + left, face.y + top, face.width, face.height))
    return Sample(name, canvas, tuple(faces))


def _bystander(
    sample: Sample, face_heights: tuple[int, int], rng: random.Random
) -> tuple[Image.Image, Image.Image]:
    """Head and shoulders of the sample's person, small and turned, with a soft edge.

    Returns the picture (RGBA) and a mask of the face in it.
    """
    face = sample.faces[0]
    region = Box(
        face.x - face.width, face.y - face.height // 2, face.width * 3, face.height * 5 // 2
    ).clipped(*sample.image.size)
    assert region is not None
    scale = rng.uniform(*face_heights) / face.height
    size = (max(1, round(region.width * scale)), max(1, round(region.height * scale)))
    person = sample.image.crop((region.x, region.y, region.right, region.bottom)).resize(
        size, Image.Resampling.LANCZOS
    )
    person.putalpha(_soft_oval(size))
    face_mask = _box_mask(size, _scaled(face, scale, -region.x, -region.y))
    degrees = rng.uniform(-TURN_DEGREES, TURN_DEGREES)
    person = person.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True)
    face_mask = face_mask.rotate(degrees, expand=True)
    if rng.random() < 0.5:
        person, face_mask = ImageOps.mirror(person), ImageOps.mirror(face_mask)
    return person, face_mask


def _soft_oval(size: tuple[int, int]) -> Image.Image:
    mask = Image.new("L", size, 0)
    inset = max(1, min(size) // 12)
    ImageDraw.Draw(mask).ellipse((inset, inset, size[0] - inset, size[1] - inset), fill=255)
    return mask.filter(ImageFilter.GaussianBlur(inset / 2))


def _scaled(box: Box, scale: float, shift_x: int, shift_y: int) -> Box:
    return Box(
        round((box.x + shift_x) * scale),
        round((box.y + shift_y) * scale),
        round(box.width * scale),
        round(box.height * scale),
    )


def _box_mask(size: tuple[int, int], box: Box) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rectangle((box.x, box.y, box.right - 1, box.bottom - 1), fill=255)
    return mask


def _bounding_box(mask: Image.Image) -> Box:
    bounds = mask.point(lambda value: 255 if value >= 128 else 0).getbbox()
    assert bounds is not None
    left, top, right, bottom = bounds
    return Box(left, top, right - left, bottom - top)


def evaluation_set() -> list[Sample]:
    """Everything docs/privacy.md reports on, in a fixed order."""
    return (
        photos_with_faces()
        + turned_photos()
        + close_ups()
        + crowds()
        + crowds(DISTANT_FACE_HEIGHTS)
        + photos_without_faces()
    )


def _overlap(a: Box, b: Box) -> float:
    """The share of the smaller box that lies inside the other."""
    width = min(a.right, b.right) - max(a.x, b.x)
    height = min(a.bottom, b.bottom) - max(a.y, b.y)
    if width <= 0 or height <= 0:
        return 0.0
    return width * height / min(a.width * a.height, b.width * b.height)


def is_found(face: Box, detections: Iterable[Box]) -> bool:
    return any(
        _overlap(face, detection) >= MATCHING_OVERLAP
        and detection.width * detection.height <= MATCHING_SIZE_RATIO * face.width * face.height
        for detection in detections
    )


def false_positives(sample: Sample, detections: Sequence[Box]) -> list[Box]:
    """Detections that cover no face, whole or partial."""
    known = sample.faces + sample.partial_faces
    return [
        detection
        for detection in detections
        if not any(_overlap(face, detection) >= MATCHING_OVERLAP for face in known)
    ]
