"""A coarsened point is a grid cell's centre: within about 1 km, identical for the whole cell."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from minjian.cases.location import GRID_STEP, Precision, published_point

latitudes = st.decimals(min_value=-90, max_value=90, places=6)
longitudes = st.decimals(min_value=-180, max_value=180, places=6)


@given(latitudes, longitudes)
def test_approximate_point_is_in_range_and_within_one_cell(lat: Decimal, lng: Decimal) -> None:
    point = published_point((lat, lng), Precision.APPROXIMATE)
    assert point is not None
    public_lat, public_lng = point
    assert -90 <= public_lat <= 90 and -180 <= public_lng <= 180
    assert abs(public_lat - lat) <= GRID_STEP and abs(public_lng - lng) <= GRID_STEP


@given(latitudes, longitudes)
def test_coarsening_twice_changes_nothing(lat: Decimal, lng: Decimal) -> None:
    once = published_point((lat, lng), Precision.APPROXIMATE)
    assert published_point(once, Precision.APPROXIMATE) == once


@given(
    st.integers(min_value=-8999, max_value=8998),
    st.integers(min_value=-17999, max_value=17998),
    st.lists(st.tuples(st.integers(0, 9999), st.integers(0, 9999)), min_size=2, max_size=30),
)
def test_every_point_in_a_cell_gives_the_same_public_point(
    cell_lat: int, cell_lng: int, offsets: list[tuple[int, int]]
) -> None:
    # Points anywhere inside one cell, as many reports of one place would give:
    # their public points are identical, so their average reveals only the cell.
    base = (cell_lat * GRID_STEP, cell_lng * GRID_STEP)
    public = {
        published_point(
            (base[0] + Decimal(dy) / 1_000_000, base[1] + Decimal(dx) / 1_000_000),
            Precision.APPROXIMATE,
        )
        for dy, dx in offsets
    }
    assert len(public) == 1


@given(latitudes, longitudes)
def test_region_only_publishes_no_point_and_exact_publishes_the_point(
    lat: Decimal, lng: Decimal
) -> None:
    assert published_point((lat, lng), Precision.REGION) is None
    assert published_point((lat, lng), Precision.EXACT) == (lat, lng)


def test_no_point_stays_no_point() -> None:
    assert published_point(None, Precision.APPROXIMATE) is None
