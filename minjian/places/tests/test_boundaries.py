"""Boundaries as geometry: GCJ-02 moved back to WGS 84, GeoJSON files read and refused,
and what is kept of a boundary."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import shapely
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from minjian.core.errors import DomainError
from minjian.places.boundaries import (
    DRAWING_DETAIL,
    LOCATING_TOLERANCE,
    OUTLINE_DETAILS,
    RegionShape,
    feature_collection_shapes,
    gcj02_to_wgs84,
    prepare_boundary,
    wgs84_to_gcj02,
)


def test_gcj02_moves_a_point_as_every_published_converter_does() -> None:
    # The test vector of coordtransform's README (and of most other converters):
    # a point near Tian'anmen, WGS 84 (116.404, 39.915).
    [[longitude, latitude]] = wgs84_to_gcj02(np.array([[116.404, 39.915]]))

    assert longitude == pytest.approx(116.41024449916938, abs=1e-9)
    assert latitude == pytest.approx(39.91640428150164, abs=1e-9)


@given(
    st.floats(min_value=73.5, max_value=135.0),
    st.floats(min_value=18.0, max_value=53.5),
)
def test_moving_back_from_gcj02_finds_the_point_within_a_millimetre(
    longitude: float, latitude: float
) -> None:
    wgs84 = np.array([[longitude, latitude]])

    back = gcj02_to_wgs84(wgs84_to_gcj02(wgs84))

    # A millimetre is about 1e-8 degrees.
    assert np.abs(back - wgs84).max() < 1e-8


SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def collection(*features: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def feature(code: object, geometry: Any = SQUARE, key: str = "code") -> dict[str, Any]:
    return {"type": "Feature", "properties": {key: code}, "geometry": geometry}


def test_a_feature_collection_gives_one_shape_per_code() -> None:
    shapes = feature_collection_shapes(
        collection(feature("FR-75", key="insee"), feature(75056, key="insee")), "insee"
    )

    assert [shape.code for shape in shapes] == ["FR-75", "75056"]
    assert shapely.equals(shapes[0].geometry, shapely.box(0, 0, 1, 1))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "A boundary file is a GeoJSON FeatureCollection."),
        ({"type": "Feature"}, "A boundary file is a GeoJSON FeatureCollection."),
        (collection(feature("")), "Feature 1 has no region code in its property “code”."),
        (collection(feature(True)), "Feature 1 has no region code in its property “code”."),
        (
            collection(feature("A"), feature("B", {"type": "Point", "coordinates": [0, 0]})),
            "Feature 2 (B) needs a Polygon or MultiPolygon geometry in longitude and latitude.",
        ),
        (
            collection(
                feature(
                    "A",
                    {"type": "Polygon", "coordinates": [[[0, 0], [500, 0], [500, 1], [0, 0]]]},
                )
            ),
            "Feature 1 (A) needs a Polygon or MultiPolygon geometry in longitude and latitude.",
        ),
        (
            collection(feature("A", {"type": "Polygon", "coordinates": "nowhere"})),
            "Feature 1 (A) needs a Polygon or MultiPolygon geometry in longitude and latitude.",
        ),
        (collection(feature("A"), feature("A")), "The region code A is given twice."),
    ],
    ids=[
        "not-an-object",
        "a-feature",
        "empty-code",
        "boolean-code",
        "point",
        "beyond-the-world",
        "unreadable-geometry",
        "twice",
    ],
)
def test_a_bad_feature_collection_is_refused_naming_the_feature(
    document: Any, message: str
) -> None:
    with translation.override("en"), pytest.raises(DomainError) as refused:
        feature_collection_shapes(json.loads(json.dumps(document)), "code")

    assert refused.value.code == "invalid_boundary_file"
    assert str(refused.value.message) == message


def test_a_prepared_boundary_keeps_a_box_a_locating_shape_and_an_outline_per_detail() -> None:
    # A square of 1° with an islet of 0.01° beside it.
    geometry = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 2.01, 2.01)])

    prepared = prepare_boundary(RegionShape("A", geometry))

    assert (prepared.west, prepared.south) == (-LOCATING_TOLERANCE, -LOCATING_TOLERANCE)
    assert (prepared.east, prepared.north) == (2.01 + LOCATING_TOLERANCE, 2.01 + LOCATING_TOLERANCE)
    assert shapely.equals(shapely.from_wkb(prepared.shape), geometry)
    assert set(prepared.outlines) == {*OUTLINE_DETAILS, DRAWING_DETAIL}
    # At the coarsest detail the islet, smaller than what can be seen, is left out.
    coarse = shapely.from_geojson(prepared.outlines[0])
    assert coarse.geom_type == "Polygon"
    assert shapely.equals(coarse, shapely.box(0, 0, 1, 1))
    assert json.loads(prepared.outlines[2])["type"] == "MultiPolygon"


def test_outline_coordinates_are_rounded_for_their_detail() -> None:
    wiggly = shapely.Polygon([(0.123456789, 0), (1, 0.000001), (1, 1), (0, 1)])

    prepared = prepare_boundary(RegionShape("A", wiggly))

    finest = json.loads(prepared.outlines[2])["coordinates"][0]
    assert [0.1235, 0.0] in finest
    assert all(len(str(value).split(".")[1]) <= 4 for point in finest for value in point)
