"""Fair allocation on worked examples: weights, rounding, tie-breaks, lines, bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given

from minjian.aid.allocation import (
    PRIORITY_CODE,
    Explanation,
    NeedColumns,
    Priority,
    SupplyColumns,
    water_level,
)
from minjian.aid.tests.allocation_strategies import (
    Line,
    Need,
    Supply,
    allocate_rows,
    lines,
    met_shares,
    shares_by_need,
    weight,
)


def _need(
    need_id: int,
    open_quantity: int,
    *,
    priority: Priority = Priority.NORMAL,
    met_share: float = 1.0,
    region_weight: float = 1.0,
    item_id: int = 1,
) -> Need:
    return Need(
        need_id=need_id,
        recipient_id=100 + need_id,
        item_id=item_id,
        open_quantity=open_quantity,
        priority=priority,
        met_share=met_share,
        region_weight=region_weight,
    )


def test_weight_is_priority_times_underserved_factor_times_region_weight() -> None:
    urgent = _need(1, 5, priority=Priority.URGENT, met_share=0.12)
    assert weight(urgent) == pytest.approx(4 * 1.88)
    high_remote = _need(2, 5, priority=Priority.HIGH, met_share=0.0, region_weight=1.5)
    assert weight(high_remote) == pytest.approx(2 * 2 * 1.5)
    fully_met = _need(3, 5, priority=Priority.NORMAL, met_share=1.0)
    assert weight(fully_met) == 1.0


@given(met_shares, met_shares)
def test_at_equal_region_weight_a_higher_priority_never_weighs_less(
    well_served: float, underserved: float
) -> None:
    ranks = [Priority.NORMAL, Priority.HIGH, Priority.URGENT]
    for lower, higher in itertools.pairwise(ranks):
        assert weight(_need(1, 1, priority=higher, met_share=well_served)) >= weight(
            _need(2, 1, priority=lower, met_share=underserved)
        )


def test_needs_rise_with_their_weights_until_met_or_supply_runs_out() -> None:
    # Weights 2, 1, 1; the need of 2 is met at level 2, the others share the rest:
    # t = (12 - 2) / 3, so 6.67 and 3.33.
    needs = [
        _need(1, 10, met_share=0.0),
        _need(2, 10),
        _need(3, 2),
    ]
    supply = [Supply(pledge_id=7, item_id=1, quantity=12)]
    assert water_level([10, 10, 2], [2.0, 1.0, 1.0], 12) == pytest.approx(10 / 3)
    shares = shares_by_need(needs, supply)
    assert shares == pytest.approx({1: 20 / 3, 2: 10 / 3, 3: 2.0})
    allocation = allocate_rows(needs, supply)
    # Floors 6, 3, 2 leave one unit: it goes to the largest remainder (2/3, need 1).
    assert allocation.given_by_need == {1: 7, 2: 3, 3: 2}


def test_enough_supply_meets_every_need_and_the_rest_stays() -> None:
    needs = [_need(1, 4), _need(2, 3, priority=Priority.URGENT)]
    allocation = allocate_rows(needs, [Supply(pledge_id=1, item_id=1, quantity=50)])
    assert allocation.given_by_need == {1: 4, 2: 3}
    assert allocation.taken(1) == 7
    assert water_level([4, 3], [1.0, 8.0], 50) == 4.0


def test_equal_remainders_go_first_to_the_need_at_the_lower_level() -> None:
    # Weights 1 and 3, six units: shares 1.5 and 4.5, floors 1 and 4, both remainders 0.5.
    # Need 9 stands lower after the floor (1/1 < 4/3), so it gets the unit despite its id.
    light = _need(9, 10, met_share=1.0)
    heavy = _need(2, 10, met_share=0.5, region_weight=2.0)
    assert weight(heavy) == 3.0
    allocation = allocate_rows([light, heavy], [Supply(pledge_id=1, item_id=1, quantity=6)])
    assert allocation.given_by_need == {9: 2, 2: 4}


def test_exact_ties_go_to_the_lower_need_id() -> None:
    needs = [_need(5, 3), _need(4, 3), _need(6, 3)]
    allocation = allocate_rows(needs, [Supply(pledge_id=1, item_id=1, quantity=2)])
    assert allocation.given_by_need == {4: 1, 5: 1}


def test_pledges_in_id_order_fill_needs_heaviest_first() -> None:
    urgent = _need(3, 4, priority=Priority.URGENT, met_share=0.12)
    normal = _need(1, 4, met_share=0.5)
    supplies = [
        Supply(pledge_id=20, item_id=1, quantity=5),
        Supply(pledge_id=10, item_id=1, quantity=2),
    ]
    allocation = allocate_rows([normal, urgent], supplies)
    # Urgent weighs 7.52, normal 1.5: shares 4 (met) and 3 of the 7 units.
    urgent_weight = weight(urgent)
    assert lines(allocation)[:2] == [
        Line(3, 10, 1, 103, 2, urgent_weight, Priority.URGENT, 0.12, 1.0),
        Line(3, 20, 1, 103, 2, urgent_weight, Priority.URGENT, 0.12, 1.0),
    ]
    assert [(line.need_id, line.pledge_id, line.quantity) for line in lines(allocation)[2:]] == [
        (1, 20, 3)
    ]


def test_items_are_allocated_separately() -> None:
    needs = [_need(1, 5, item_id=1), _need(2, 5, item_id=2)]
    allocation = allocate_rows(needs, [Supply(pledge_id=1, item_id=2, quantity=9)])
    assert allocation.given_by_need == {2: 5}
    assert allocation.allocated_by_item == {2: 5}
    assert shares_by_need(needs, []) == {1: 0.0, 2: 0.0}


def test_a_minimum_line_sends_two_parcels_where_the_unit_cut_sends_four() -> None:
    # Three hospitals at equal weight lack 10 each; pledges of 7 and 8 share out 5 each.
    needs = [_need(1, 10), _need(2, 10), _need(3, 10)]
    supplies = [
        Supply(pledge_id=1, item_id=1, quantity=7),
        Supply(pledge_id=2, item_id=1, quantity=8),
    ]
    cut_to_the_unit = allocate_rows(needs, supplies)
    assert [(line.need_id, line.pledge_id, line.quantity) for line in lines(cut_to_the_unit)] == [
        (1, 1, 5),
        (2, 1, 2),
        (2, 2, 3),
        (3, 2, 5),
    ]
    # With a minimum of 5 neither pledge can be split (a part of it would be below 5):
    # each goes whole, the first hospital's 2 above its share are taken from the second,
    # which waits for the next pledge.
    by_fives = allocate_rows(needs, supplies, {1: 5})
    assert [(line.need_id, line.pledge_id, line.quantity) for line in lines(by_fives)] == [
        (1, 1, 7),
        (3, 2, 8),
    ]


def test_a_need_smaller_than_the_minimum_gets_it_whole_in_one_line() -> None:
    clinic = _need(1, 3, priority=Priority.URGENT)
    hospital = _need(2, 100)
    allocation = allocate_rows(
        [clinic, hospital], [Supply(pledge_id=1, item_id=1, quantity=60)], {1: 50}
    )
    # 3 to the clinic (all it lacks), and the rest stays one line of 57.
    assert allocation.given_by_need == {1: 3, 2: 57}


@pytest.mark.parametrize("minimum", [0, -1, 10**9 + 1])
def test_a_minimum_line_is_a_positive_whole_number_of_units(minimum: int) -> None:
    with pytest.raises(ValueError, match=r"min_lines\[1\] must be between"):
        allocate_rows([_need(1, 2)], [], {1: minimum})


@pytest.mark.parametrize(
    ("met_share", "percent"), [(0.0, 0), (0.12, 12), (0.125, 13), (0.999, 100), (1.0, 100)]
)
def test_explanation_gives_the_share_met_as_a_whole_percentage(
    met_share: float, percent: int
) -> None:
    assert Explanation(Priority.HIGH, met_share, 1.0).met_percent == percent


def _columns_of_one_need(**changes: object) -> dict[str, np.ndarray]:
    fields: dict[str, object] = {
        "need_id": 1,
        "recipient_id": 1,
        "item_id": 1,
        "open_quantity": 1,
        "priority": PRIORITY_CODE[Priority.NORMAL],
        "met_share": 0.0,
        "region_weight": 1.0,
    }
    return {name: np.array([value]) for name, value in {**fields, **changes}.items()}


@pytest.mark.parametrize(
    "changes",
    [
        {"open_quantity": 0},
        {"open_quantity": -3},
        {"open_quantity": 10**9 + 1},
        {"priority": 3},
        {"priority": -1},
        {"met_share": -0.01},
        {"met_share": 1.5},
        {"met_share": math.nan},
        {"region_weight": 0.0},
        {"region_weight": 1000.0},
        {"region_weight": math.inf},
    ],
)
def test_a_need_out_of_range_is_refused(changes: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(changes))):
        NeedColumns(**_columns_of_one_need(**changes))


def test_quantities_and_ids_must_be_whole_numbers() -> None:
    with pytest.raises(TypeError, match="quantity must be an array of ints, not float64"):
        SupplyColumns(pledge_id=np.array([1]), item_id=np.array([1]), quantity=np.array([2.5]))
    with pytest.raises(TypeError, match="open_quantity must be an array of ints, not bool"):
        NeedColumns(**_columns_of_one_need(open_quantity=True))
    with pytest.raises(TypeError, match="need_id must be an array of ints"):
        NeedColumns(**_columns_of_one_need(need_id="n1"))
    with pytest.raises(TypeError, match="priority must be an array of ints"):
        NeedColumns(**_columns_of_one_need(priority="urgent"))
    with pytest.raises(TypeError, match="met_share must be an array of numbers"):
        NeedColumns(**_columns_of_one_need(met_share="half"))
    with pytest.raises(TypeError, match="pledge_id must be a one-dimensional NumPy array"):
        SupplyColumns(pledge_id=[1], item_id=np.array([1]), quantity=np.array([1]))  # type: ignore[arg-type]  # the wrong type is the test


def test_columns_of_different_lengths_are_refused() -> None:
    columns = _columns_of_one_need()
    with pytest.raises(ValueError, match="met_share has 2 entries, not 1 as the others"):
        NeedColumns(**{**columns, "met_share": np.array([0.0, 0.5])})


def test_an_id_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="need_id 1 appears more than once"):
        allocate_rows([_need(1, 2), _need(1, 3)], [])
    supply = Supply(pledge_id=4, item_id=1, quantity=1)
    with pytest.raises(ValueError, match="pledge_id 4 appears more than once"):
        allocate_rows([_need(1, 2)], [supply, supply])
