"""The water-filling shares are the lexicographic max-min optimum, checked by linear programmes.

Independent of the module's arithmetic: SciPy's HiGHS solves the progressive-filling
sequence of LPs that defines weighted lexicographic max-min fairness for one item
(maximise the lowest level x_n / w_n, freeze the needs that cannot rise above it, repeat),
and the module's fractional shares must match it to 1e-6.

The organisers' minimum line does not change the fractional shares (it acts when the
shares are cut into lines), so that check stands as it was. The whole allocation is
checked against the same optimum too: with lines cut to the unit each need is within one
unit of it, and with a minimum line m the needs ahead of any need in the fill order hold
less than m units beyond their optimal shares rounded up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from minjian.aid.tests.allocation_strategies import (
    Need,
    Supply,
    allocate_rows,
    needs,
    shares_by_need,
    small_quantities,
    weight,
)

OBJECTIVE_TOLERANCE = 1e-6
# Looser than the comparison above, tighter than any real gap: HiGHS solves to about 1e-7.
FREEZE_TOLERANCE = 1e-7


def _solve(
    objective: Sequence[float],
    bounds: Sequence[tuple[float, float | None]],
    weights: Sequence[float],
    rising: Sequence[int],
    supply: float,
) -> np.ndarray:
    """Solve an LP over (x_0 .. x_{n-1}, t): rising needs have x_n ≥ w_n·t, Σ x ≤ supply."""
    size = len(weights)
    rows = []
    for n in rising:
        row = np.zeros(size + 1)
        row[n] = -1.0
        row[size] = weights[n]
        rows.append(row)
    rows.append(np.concatenate([np.ones(size), [0.0]]))
    limits = [0.0] * len(rising) + [supply]
    result = linprog(
        objective, A_ub=np.array(rows), b_ub=limits, bounds=list(bounds), method="highs"
    )
    assert result.status == 0, result.message
    return np.asarray(result.x)


def lexicographic_max_min(
    demands: Sequence[int], weights: Sequence[float], supply: int
) -> list[float]:
    """Progressive filling with LPs: the allocation whose sorted levels x_n / w_n are
    lexicographically largest under 0 ≤ x_n ≤ d_n and Σ x_n ≤ supply."""
    size = len(demands)
    frozen: dict[int, float] = {}
    while len(frozen) < size:
        rising = [n for n in range(size) if n not in frozen]
        x_bounds = [
            (frozen[n], frozen[n]) if n in frozen else (0.0, float(demands[n])) for n in range(size)
        ]
        maximise_level = [0.0] * size + [-1.0]
        level = _solve(maximise_level, [*x_bounds, (0.0, None)], weights, rising, supply)[-1]
        # A rising need is stuck at this level if it cannot rise above it while every other
        # rising need keeps at least its share of the level.
        stuck = []
        for n in rising:
            maximise_need = [0.0] * (size + 1)
            maximise_need[n] = -1.0
            best = _solve(
                maximise_need, [*x_bounds[:size], (level, level)], weights, rising, supply
            )
            if best[n] <= weights[n] * level + FREEZE_TOLERANCE * max(1.0, best[n]):
                stuck.append(n)
        assert stuck, "progressive filling must freeze a need each round"
        for n in stuck:
            frozen[n] = min(float(demands[n]), weights[n] * level)
    return [frozen[n] for n in range(size)]


@given(
    needs(item_ids=[1], max_size=7, open_quantities=small_quantities).filter(bool),
    st.integers(1, 150),
)
@settings(max_examples=60, deadline=None)
def test_fractional_shares_are_the_lexicographic_max_min_optimum(
    item_needs: list[Need], supply: int
) -> None:
    weights = [weight(need) for need in item_needs]
    demands = [need.open_quantity for need in item_needs]
    expected = lexicographic_max_min(demands, weights, supply)
    shares = shares_by_need(item_needs, [Supply(pledge_id=1, item_id=1, quantity=supply)])
    actual = [shares[need.need_id] for need in item_needs]
    # The objective: the levels sorted increasingly, first of all the lowest one (the
    # single max-min LP), then the rest in turn.
    expected_levels = sorted(x / w for x, w in zip(expected, weights, strict=True))
    actual_levels = sorted(x / w for x, w in zip(actual, weights, strict=True))
    assert np.allclose(actual_levels, expected_levels, rtol=0, atol=OBJECTIVE_TOLERANCE)
    # The optimum is unique, so each need's share matches too.
    assert np.allclose(actual, expected, rtol=0, atol=OBJECTIVE_TOLERANCE)


@given(
    needs(item_ids=[1], max_size=7, open_quantities=small_quantities).filter(bool),
    st.lists(st.integers(1, 40), min_size=1, max_size=5),
    st.sampled_from([1, 3, 10]),
)
@settings(max_examples=60, deadline=None)
def test_the_whole_allocation_stays_within_a_minimum_line_of_the_optimum(
    item_needs: list[Need], pledged: list[int], minimum: int
) -> None:
    weights = [weight(need) for need in item_needs]
    demands = [need.open_quantity for need in item_needs]
    optimum = lexicographic_max_min(demands, weights, sum(pledged))
    pledges = [
        Supply(pledge_id=number, item_id=1, quantity=quantity)
        for number, quantity in enumerate(pledged, start=1)
    ]
    allocation = allocate_rows(item_needs, pledges, {1: minimum})
    given = [allocation.given(need.need_id) for need in item_needs]
    if minimum == 1:
        assert all(
            abs(got - share) < 1 + OBJECTIVE_TOLERANCE
            for got, share in zip(given, optimum, strict=True)
        )
    fill_order = sorted(range(len(item_needs)), key=lambda n: (-weights[n], item_needs[n].need_id))
    got_so_far = rounded_up_so_far = 0
    for n in fill_order:
        got_so_far += given[n]
        rounded_up_so_far += math.ceil(optimum[n] - OBJECTIVE_TOLERANCE)
        assert got_so_far < rounded_up_so_far + minimum
