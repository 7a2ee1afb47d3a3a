"""Medians and 90th percentiles are nearest-rank percentiles, as the page explains them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minjian.accountability.selectors import nearest_rank


def brute_force_nearest_rank(values: list[int], percent: int) -> int:
    """The definition itself: the smallest value with at least `percent`% of the values ≤ it."""
    return min(v for v in values if sum(x <= v for x in values) * 100 >= percent * len(values))


@given(st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=60), st.integers(0, 100))
def test_nearest_rank_is_the_smallest_value_with_that_share_at_or_below_it(
    values: list[int], percent: int
) -> None:
    assert nearest_rank(values, percent) == brute_force_nearest_rank(values, percent)


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=40))
def test_nearest_rank_is_always_a_value_that_occurred(seconds: list[int]) -> None:
    durations = [timedelta(seconds=s) for s in seconds]
    for percent in (50, 90):
        assert nearest_rank(durations, percent) in durations


def test_the_textbook_example() -> None:
    # Wikipedia's "Percentile" article, nearest-rank method.
    values = [15, 20, 35, 40, 50]
    assert [nearest_rank(values, p) for p in (5, 30, 40, 50, 100)] == [15, 20, 20, 35, 50]


def test_the_median_of_an_even_count_is_the_lower_middle_value() -> None:
    assert nearest_rank([4, 1, 3, 2], 50) == 2
    assert nearest_rank([4, 1, 3, 2], 90) == 4


def test_no_values_have_no_percentile() -> None:
    assert nearest_rank([], 50) is None


@pytest.mark.parametrize("percent", [-1, 101])
def test_a_percent_outside_0_to_100_is_refused(percent: int) -> None:
    with pytest.raises(ValueError):
        nearest_rank([1], percent)
