"""Boundaries as geometry: reading them, and what the site keeps of them.

Pure functions over shapely geometries, longitude first, in degrees (WGS 84), as
GeoJSON has them; `services.boundaries_load` writes what `prepare_boundary` makes.
A web worker only reads the prepared rows (`selectors`): it parses the few
locating shapes near a point, and never simplifies or draws a geometry itself.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _

from minjian.core.errors import DomainError

# About 50 m: finer than a phone's fix in a town is sure to be, and far finer than
# the 1 km a point is usually coarsened to before it is stored (cases/location.py).
LOCATING_TOLERANCE = 0.0005
# The levels of detail of the outlines the map draws: (tolerance in degrees, decimals
# kept). At Leaflet's zoom 5 a pixel is about 0.04° wide, at zoom 8 about 0.005°, at
# zoom 10 about 0.0014°: 0 is for a whole country, 1 for a province, 2 for a county.
OUTLINE_DETAILS: dict[int, tuple[float, int]] = {0: (0.02, 3), 1: (0.005, 3), 2: (0.001, 4)}
# The outline a small map of a country's provinces is drawn from (a petition's signatures by
# province: `selectors.province_drawing`), not served to the interactive map: at 600 pixels
# for the width of China a pixel is about 0.1°, and the 34 provinces take 20 kB.
DRAWING_DETAIL = 9
DRAWING_TOLERANCE, DRAWING_DECIMALS = 0.08, 2


@dataclass(frozen=True)
class RegionShape:
    """A region's boundary as a source gives it."""

    code: str
    geometry: shapely.Geometry


@dataclass(frozen=True)
class PreparedBoundary:
    """What the site keeps of a boundary: its bounding box and locating shape, and
    its outline (GeoJSON geometry text) at each level of detail."""

    code: str
    west: float
    south: float
    east: float
    north: float
    shape: bytes
    outlines: dict[int, str]


def prepare_boundary(region_shape: RegionShape) -> PreparedBoundary:
    shape = shapely.simplify(region_shape.geometry, LOCATING_TOLERANCE, preserve_topology=True)
    west, south, east, north = (float(value) for value in shapely.bounds(shape))
    # A point just outside the simplified shape may still be the region's (the
    # shape moved by up to the tolerance): the box covers that margin too.
    margin = LOCATING_TOLERANCE
    return PreparedBoundary(
        code=region_shape.code,
        west=west - margin,
        south=south - margin,
        east=east + margin,
        north=north + margin,
        shape=shapely.to_wkb(shape),
        outlines={
            detail: outline_geojson(region_shape.geometry, tolerance, decimals)
            for detail, (tolerance, decimals) in (
                *OUTLINE_DETAILS.items(),
                (DRAWING_DETAIL, (DRAWING_TOLERANCE, DRAWING_DECIMALS)),
            )
        },
    )


def outline_geojson(geometry: shapely.Geometry, tolerance: float, decimals: int) -> str:
    """The geometry as the map draws it: simplified by `tolerance`, without islands too
    small to see at that detail (the largest part always stays), coordinates rounded."""
    simplified = shapely.simplify(geometry, tolerance, preserve_topology=True)
    # Simplifying keeping the topology leaves every polygon of a valid geometry.
    parts = list(shapely.get_parts(simplified))
    largest = max(parts, key=lambda part: part.area)
    kept = [part for part in parts if part is largest or part.area >= tolerance * tolerance]
    rounded = shapely.transform(
        shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0],
        lambda coordinates: np.round(coordinates, decimals),
    )
    return json.dumps(json.loads(shapely.to_geojson(rounded)), separators=(",", ":"))


def polygonal(geometry: shapely.Geometry | None) -> bool:
    return isinstance(geometry, (shapely.Polygon, shapely.MultiPolygon)) and not bool(
        geometry.is_empty
    )


def within_the_world(geometry: shapely.Geometry) -> bool:
    west, south, east, north = (float(value) for value in shapely.bounds(geometry))
    return -180 <= west <= east <= 180 and -90 <= south <= north <= 90


def feature_collection_shapes(document: Any, code_property: str) -> list[RegionShape]:
    """The boundaries of a GeoJSON FeatureCollection whose features carry the region's
    code in the property `code_property`: Polygon or MultiPolygon geometries in WGS 84
    longitude/latitude (RFC 7946). A feature that is not of that shape raises
    `DomainError` ("invalid_boundary_file") naming it; a code given twice too."""

    def refused(message: str, **details: object) -> DomainError:
        return DomainError("invalid_boundary_file", message, details=details)

    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise refused(_("A boundary file is a GeoJSON FeatureCollection."))
    features = document.get("features")
    if not isinstance(features, list):
        raise refused(_("A boundary file is a GeoJSON FeatureCollection."))
    shapes: dict[str, RegionShape] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get(code_property) if isinstance(properties, dict) else None
        if not isinstance(code, (str, int)) or isinstance(code, bool) or str(code).strip() == "":
            raise refused(
                _("Feature %(number)d has no region code in its property “%(property)s”.")
                % {"number": number, "property": code_property},
                feature=number,
            )
        code = str(code).strip()
        geometry = read_geometry(feature.get("geometry"))
        if not polygonal(geometry) or geometry is None or not within_the_world(geometry):
            raise refused(
                _(
                    "Feature %(number)d (%(code)s) needs a Polygon or MultiPolygon geometry "
                    "in longitude and latitude."
                )
                % {"number": number, "code": code},
                feature=number,
                code=code,
            )
        if code in shapes:
            raise refused(_("The region code %(code)s is given twice.") % {"code": code}, code=code)
        shapes[code] = RegionShape(code, shapely.make_valid(geometry))
    return list(shapes.values())


def read_geometry(value: object) -> shapely.Geometry | None:
    if not isinstance(value, dict):
        return None
    try:
        geometry = shapely.from_geojson(json.dumps(value))
    except (shapely.errors.GEOSException, ValueError):
        return None
    coordinates = shapely.get_coordinates(geometry)
    if not np.isfinite(coordinates).all():
        return None
    return geometry


# GCJ-02, the coordinates Chinese map providers publish (China's Surveying and
# Mapping Law), is WGS 84 moved by a fixed, smooth function of the point: up to
# about 700 m. Phones and tiles speak WGS 84, so boundaries drawn from Amap's data
# are moved back before they are stored. The function is the one every converter
# uses (the Krasovsky 1940 ellipsoid and the published series below).
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323


def _offset(longitude: np.ndarray, latitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How far GCJ-02 moves a WGS 84 point, in degrees of longitude and latitude."""
    x = longitude - 105.0
    y = latitude - 35.0
    pi = math.pi
    waves_x = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    d_latitude = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(abs(x))
    d_latitude += waves_x
    d_latitude += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    d_latitude += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    d_longitude = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(abs(x))
    d_longitude += waves_x
    d_longitude += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    d_longitude += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    radians = latitude / 180.0 * pi
    magic = 1 - _KRASOVSKY_EE * np.sin(radians) ** 2
    d_latitude = (d_latitude * 180.0) / (
        (_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * np.sqrt(magic)) * pi
    )
    d_longitude = (d_longitude * 180.0) / (_KRASOVSKY_A / np.sqrt(magic) * np.cos(radians) * pi)
    return d_longitude, d_latitude


def wgs84_to_gcj02(coordinates: np.ndarray) -> np.ndarray:
    """(longitude, latitude) rows in WGS 84 as GCJ-02 has them."""
    d_longitude, d_latitude = _offset(coordinates[:, 0], coordinates[:, 1])
    return np.column_stack((coordinates[:, 0] + d_longitude, coordinates[:, 1] + d_latitude))


def gcj02_to_wgs84(coordinates: np.ndarray) -> np.ndarray:
    """(longitude, latitude) rows in GCJ-02 back in WGS 84: the point that GCJ-02 moves
    onto each, found by fixed-point iteration (the offset changes slowly, so five
    rounds leave less than a millimetre)."""
    estimate = coordinates.copy()
    for _round in range(5):
        estimate = estimate - (wgs84_to_gcj02(estimate) - coordinates)
    return estimate


def from_gcj02(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geometry, gcj02_to_wgs84)
