"""How similar cases are ranked: every part of the score and the score itself stay in
[0, 1], and each rises (never falls) as the text is more alike, the place nearer or the
time closer. Pure functions: no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from minjian.cases.selectors_similar import (
    Whereabouts,
    combined_score,
    distance_km,
    distance_nearness,
    place_nearness,
    region_nearness,
    time_nearness,
)

unit = st.floats(min_value=0, max_value=1)
distances = st.floats(min_value=0, max_value=20_000)
latitudes = st.floats(min_value=-90, max_value=90)
longitudes = st.floats(min_value=-180, max_value=180)
codes = st.sampled_from(["340000", "340300", "340321", "340322", "420000", "420100", "420102"])
paths = st.lists(codes, min_size=1, max_size=3).map(lambda path: "/" + "/".join(path) + "/")
days = st.floats(min_value=0, max_value=3650)
MOMENT = datetime(2026, 12, 6, 12, tzinfo=UTC)


@given(unit, unit, unit)
def test_the_score_is_between_0_and_1(text: float, place: float, time: float) -> None:
    assert 0 <= combined_score(text, place, time) <= 1


@given(unit, unit, unit, unit, unit, unit)
def test_the_score_rises_with_each_part(
    text: float, place: float, time: float, more_text: float, more_place: float, more_time: float
) -> None:
    score = combined_score(text, place, time)
    assert combined_score(max(text, more_text), place, time) >= score
    assert combined_score(text, max(place, more_place), time) >= score
    assert combined_score(text, place, max(time, more_time)) >= score


def test_the_text_outweighs_place_and_time_together() -> None:
    assert combined_score(1, 0, 0) > combined_score(0.5, 1, 1)
    assert combined_score(1, 1, 1) == 1


@given(distances, distances)
def test_nearer_points_are_nearer(km: float, farther: float) -> None:
    near, far = sorted((km, farther))
    assert 0 < distance_nearness(far) <= distance_nearness(near) <= 1
    assert distance_nearness(0) == 1


@given(days, days)
def test_closer_times_are_nearer(apart: float, further: float) -> None:
    close, far = sorted((apart, further))
    here = Whereabouts(at=MOMENT)
    nearness_close = time_nearness(here, Whereabouts(at=MOMENT - timedelta(days=close)))
    nearness_far = time_nearness(here, Whereabouts(at=MOMENT + timedelta(days=far)))
    assert 0 < nearness_far <= nearness_close <= 1


@given(paths, paths)
def test_region_nearness_is_symmetric_in_0_1_and_1_only_for_the_same_region(
    path: str, other: str
) -> None:
    nearness = region_nearness(path, other)
    assert nearness == region_nearness(other, path)
    assert 0 <= nearness <= 1
    assert (nearness == 1) == (path == other)


def test_region_nearness_counts_the_path_shared() -> None:
    county = "/340000/340300/340321/"
    assert region_nearness(county, "/340000/340300/340322/") == 2 / 3
    assert region_nearness(county, "/340000/340300/") == 2 / 3
    assert region_nearness(county, "/340000/") == 1 / 3
    assert region_nearness(county, "/420000/420100/420102/") == 0


@given(latitudes, longitudes, latitudes, longitudes)
def test_place_nearness_takes_the_nearer_of_region_and_point(
    latitude: float, longitude: float, other_latitude: float, other_longitude: float
) -> None:
    here = Whereabouts(region_path="/340000/", point=(latitude, longitude))
    there = Whereabouts(region_path="/420000/", point=(other_latitude, other_longitude))
    km = distance_km(here.point, there.point)  # type: ignore[arg-type]  # both set above
    assert 0 <= km <= 20_038
    assert place_nearness(here, there) == distance_nearness(km)
    assert place_nearness(here, Whereabouts(region_path="/340000/")) == 1
    assert place_nearness(Whereabouts(), there) == 0


def test_distances_are_great_circle_kilometres() -> None:
    # 蚌埠 to 武汉, about 390 km as the crow flies.
    assert 380 < distance_km((32.92, 117.39), (30.59, 114.31)) < 400
    assert distance_km((32.92, 117.39), (32.92, 117.39)) == 0
