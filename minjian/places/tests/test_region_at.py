"""The region of a point, over the real boundaries of 怀远县, its neighbours and Wuhan."""

from __future__ import annotations

import functools
from typing import Any

import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from minjian.places.boundaries import RegionShape
from minjian.places.cnmaps import china_boundaries
from minjian.places.models import Region
from minjian.places.selectors import region_at
from minjian.places.tests.factories import NEIGHBOURS, TREE, UNBOUNDED

COUNTIES = sorted(code for code, _parent, level, *_names in (*TREE, *NEIGHBOURS) if level == 3)
# Far enough inside (or outside) a boundary that neither the 50 m simplification of
# the locating shapes nor the margin given to points near them can change the answer.
CLEAR = 0.002


@functools.cache
def package_shapes() -> dict[str, RegionShape]:
    """The boundaries as the package draws them (in WGS 84), unsimplified."""
    codes = [code for code, *_rest in (*TREE, *NEIGHBOURS) if code not in UNBOUNDED]
    return {shape.code: shape for shape in china_boundaries(codes).shapes()}


@functools.cache
def everything_drawn() -> shapely.Geometry:
    return shapely.union_all([shape.geometry for shape in package_shapes().values()])


@pytest.mark.parametrize(
    ("latitude", "longitude", "code"),
    [
        (32.9700, 117.2000, "340321"),  # 怀远县城, on the Huai River
        (33.1000, 117.1000, "340321"),
        (32.9100, 117.4500, "340302"),  # 龙子湖区, Bengbu's east
        (33.0200, 117.5300, "340311"),  # 淮上区, across the Huai River
        (30.5467, 114.3023, "420106"),  # 武昌区, the Yellow Crane Tower
        (30.5800, 114.2700, "420104"),  # 硚口区, Hankou
        (30.8800, 114.3800, "420116"),  # 黄陂区
    ],
)
def test_a_point_is_in_the_county_that_holds_it(
    bounded_regions: dict[str, Region], latitude: float, longitude: float, code: str
) -> None:
    region = region_at(latitude, longitude)

    assert region is not None
    assert region.code == code


def test_a_point_outside_every_boundary_is_in_no_region(bounded_regions: dict[str, Region]) -> None:
    assert region_at(30.0, 125.0) is None  # the East China Sea
    assert region_at(48.8566, 2.3522) is None  # Paris: no French boundary is loaded


def test_a_point_in_a_province_outside_its_loaded_counties_is_in_the_province(
    bounded_regions: dict[str, Region],
) -> None:
    # 合肥, in Anhui but in none of the counties loaded here.
    region = region_at(31.8206, 117.2272)

    assert region is not None
    assert region.code == "340000"


def test_points_on_a_border_are_never_lost_between_simplified_shapes(
    bounded_regions: dict[str, Region],
) -> None:
    # Every 40th corner of 怀远县's boundary as the package draws it: the locating
    # shapes, simplified apart, may leave it just outside both neighbours.
    border = shapely.get_coordinates(shapely.boundary(package_shapes()["340321"].geometry))
    bengbu = {code for code in COUNTIES if code.startswith("3403")}

    found = {region_at(float(latitude), float(longitude)) for longitude, latitude in border[::40]}

    assert None not in found
    assert {region.code for region in found if region} <= bengbu


def test_without_boundaries_no_point_has_a_region(regions: dict[str, Region]) -> None:
    assert region_at(32.97, 117.2) is None


@functools.cache
def triangles_well_inside(code: str) -> list[shapely.Polygon]:
    """Triangles that tile the county shrunk by CLEAR: any point in them lies well
    inside it."""
    inner = shapely.buffer(package_shapes()[code].geometry, -CLEAR)
    return [
        shapely.Polygon(shapely.get_coordinates(triangle))
        for triangle in shapely.get_parts(shapely.constrained_delaunay_triangles(inner))
    ]


@settings(
    max_examples=40,
    deadline=None,
    # The regions are read, never changed, by the examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    code=st.sampled_from(COUNTIES),
    triangle=st.integers(min_value=0),
    corner_weights=st.tuples(*[st.floats(min_value=0.01, max_value=1)] * 3),
)
def test_any_point_well_inside_a_county_is_found_in_it(
    bounded_regions: dict[str, Region],
    code: str,
    triangle: int,
    corner_weights: tuple[float, float, float],
) -> None:
    triangles = triangles_well_inside(code)
    corners = shapely.get_coordinates(triangles[triangle % len(triangles)])[:3]
    longitude, latitude = (
        sum(weight * corner for weight, corner in zip(corner_weights, corners, strict=True))
        / sum(corner_weights)
    ).tolist()

    region = region_at(latitude, longitude)

    assert region is not None
    assert region.code == code


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    # East of Anhui: Jiangsu, Zhejiang, Fujian (not loaded here) and the sea.
    longitude=st.floats(min_value=119.0, max_value=125.0),
    latitude=st.floats(min_value=20.0, max_value=35.0),
)
def test_any_point_well_outside_every_boundary_is_in_no_region(
    bounded_regions: dict[str, Region], longitude: float, latitude: float
) -> None:
    point = shapely.Point(longitude, latitude)
    assume(float(shapely.distance(everything_drawn(), point)) > CLEAR)

    assert region_at(latitude, longitude) is None


def test_the_answer_comes_from_two_queries_at_most(
    bounded_regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        region_at(32.97, 117.2)
    with django_assert_max_num_queries(2):
        region_at(30.0, 125.0)
