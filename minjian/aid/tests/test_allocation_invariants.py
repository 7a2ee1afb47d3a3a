"""Invariants of the fair allocation, on random instances (hypothesis).

The invariants that hold whatever the organisers' minimum line run on instances with
one (`instances_with_minimum`); those that are exact only when lines may be cut to the unit
(every item handing out exactly min(supply, demand), each need within one unit of its
fractional share) run at the default minimum of one unit, and the minimum line has its
own, below: its rules, and what they cost the lighter needs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields, replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minjian.aid.allocation import MAX_QUANTITY, Allocation, allocate
from minjian.aid.tests.allocation_strategies import (
    Instance,
    InstanceWithMinimum,
    Need,
    Supply,
    allocate_rows,
    instances,
    instances_with_minimum,
    lines,
    need_columns,
    shares_by_need,
    supply_columns,
    weight,
)

TOLERANCE = 1e-9


def _supply_by_item(supplies: list[Supply]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for supply in supplies:
        totals[supply.item_id] += supply.quantity
    return totals


def _demand_by_item(needs: list[Need]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for need in needs:
        totals[need.item_id] += need.open_quantity
    return totals


@given(instances_with_minimum())
@settings(max_examples=150, deadline=None)
def test_no_need_gets_more_than_it_asks_and_no_pledge_gives_more_than_it_has(
    instance: InstanceWithMinimum,
) -> None:
    needs, supplies, min_lines = instance
    allocation = allocate_rows(needs, supplies, min_lines)
    for need in needs:
        assert allocation.given(need.need_id) <= need.open_quantity
    for supply in supplies:
        assert allocation.taken(supply.pledge_id) <= supply.quantity
    assert all(line.quantity > 0 for line in lines(allocation))


@given(instances())
@settings(max_examples=150, deadline=None)
def test_each_item_hands_out_exactly_the_smaller_of_supply_and_demand(instance: Instance) -> None:
    needs, supplies = instance
    allocation = allocate_rows(needs, supplies)
    supply = _supply_by_item(supplies)
    demand = _demand_by_item(needs)
    for item_id in supply.keys() | demand.keys():
        assert allocation.allocated_by_item.get(item_id, 0) == min(
            supply.get(item_id, 0), demand.get(item_id, 0)
        )


@given(instances_with_minimum())
@settings(max_examples=150, deadline=None)
def test_lines_join_a_need_and_a_pledge_of_the_same_item(instance: InstanceWithMinimum) -> None:
    needs, supplies, min_lines = instance
    need_by_id = {need.need_id: need for need in needs}
    supply_by_id = {supply.pledge_id: supply for supply in supplies}
    made = lines(allocate_rows(needs, supplies, min_lines))
    assert len({(line.pledge_id, line.need_id) for line in made}) == len(made)
    for line in made:
        need = need_by_id[line.need_id]
        assert line.item_id == need.item_id == supply_by_id[line.pledge_id].item_id
        assert line.recipient_id == need.recipient_id
        assert line.weight == weight(need)
        assert line.priority is need.priority
        assert line.met_share == need.met_share
        assert line.region_weight == need.region_weight


@given(instances_with_minimum())
@settings(max_examples=100, deadline=None)
def test_every_column_of_the_allocation_has_one_entry_per_line(
    instance: InstanceWithMinimum,
) -> None:
    needs, supplies, min_lines = instance
    allocation = allocate_rows(needs, supplies, min_lines)
    columns = [getattr(allocation, field.name) for field in fields(allocation)]
    assert {len(column) for column in columns} == {len(allocation)}
    assert {column.dtype for column in columns} <= {np.dtype(np.int64), np.dtype(np.float64)}


@given(instances().filter(lambda instance: bool(instance[0])), st.data())
@settings(max_examples=50, deadline=None)
def test_a_need_out_of_range_anywhere_in_the_columns_is_refused(
    instance: Instance, data: st.DataObject
) -> None:
    needs, supplies = instance
    position = data.draw(st.integers(0, len(needs) - 1))
    columns = need_columns(needs)
    open_quantity = columns.open_quantity.copy()
    open_quantity[position] = data.draw(st.sampled_from([0, -1, MAX_QUANTITY + 1]))
    with pytest.raises(ValueError, match="open_quantity must be between"):
        allocate(replace(columns, open_quantity=open_quantity), supply_columns(supplies))


@given(instances())
@settings(max_examples=150, deadline=None)
def test_whole_units_stay_within_one_unit_of_the_fractional_share(instance: Instance) -> None:
    needs, supplies = instance
    allocation = allocate_rows(needs, supplies)
    shares = shares_by_need(needs, supplies)
    for need in needs:
        assert abs(allocation.given(need.need_id) - shares[need.need_id]) < 1


@given(instances())
@settings(max_examples=150, deadline=None)
def test_fractional_shares_fill_to_the_smaller_of_supply_and_demand(instance: Instance) -> None:
    needs, supplies = instance
    shares = shares_by_need(needs, supplies)
    supply = _supply_by_item(supplies)
    handed_out: dict[int, float] = defaultdict(float)
    for need in needs:
        assert -TOLERANCE <= shares[need.need_id] <= need.open_quantity
        handed_out[need.item_id] += shares[need.need_id]
    for item_id, demand in _demand_by_item(needs).items():
        expected = min(supply.get(item_id, 0), demand)
        assert abs(handed_out[item_id] - expected) <= TOLERANCE * max(1, expected)


@given(instances())
@settings(max_examples=150, deadline=None)
def test_a_need_left_short_is_at_the_highest_level_of_its_item(instance: Instance) -> None:
    """Water-filling: every need not fully met stands at the common level t; a need below
    that level is fully met. So a higher weight never ends at a lower level unless it is
    fully met."""
    needs, supplies = instance
    shares = shares_by_need(needs, supplies)
    supplied_items = _supply_by_item(supplies).keys()
    levels_by_item: dict[int, list[float]] = defaultdict(list)
    for need in needs:
        levels_by_item[need.item_id].append(shares[need.need_id] / weight(need))
    for need in needs:
        if need.item_id not in supplied_items:
            continue
        share = shares[need.need_id]
        if share < need.open_quantity - TOLERANCE * need.open_quantity:
            top = max(levels_by_item[need.item_id])
            assert share / weight(need) >= top * (1 - TOLERANCE)


@given(instances())
@settings(max_examples=150, deadline=None)
def test_higher_weight_and_no_smaller_need_never_gets_less(instance: Instance) -> None:
    needs, supplies = instance
    shares = shares_by_need(needs, supplies)
    for first in needs:
        for second in needs:
            if (
                first.item_id == second.item_id
                and weight(first) >= weight(second)
                and first.open_quantity >= second.open_quantity
            ):
                assert shares[first.need_id] >= shares[second.need_id] * (1 - TOLERANCE)


@given(instances(), st.integers(1, 10**6), st.integers(1, 3))
@settings(max_examples=150, deadline=None)
def test_more_supply_never_reduces_a_fractional_share(
    instance: Instance, extra: int, item_id: int
) -> None:
    needs, supplies = instance
    pledge_id = max((supply.pledge_id for supply in supplies), default=0) + 1
    more = [*supplies, Supply(pledge_id=pledge_id, item_id=item_id, quantity=extra)]
    before = shares_by_need(needs, supplies)
    after = shares_by_need(needs, more)
    for need in needs:
        assert after[need.need_id] >= before[need.need_id] * (1 - TOLERANCE)


@given(instances_with_minimum(), st.data())
@settings(max_examples=150, deadline=None)
def test_the_same_input_in_any_order_gives_the_same_allocation(
    instance: InstanceWithMinimum, data: st.DataObject
) -> None:
    needs, supplies, min_lines = instance
    shuffled_needs = data.draw(st.permutations(needs))
    shuffled_supplies = data.draw(st.permutations(supplies))
    assert lines(allocate_rows(shuffled_needs, shuffled_supplies, min_lines)) == lines(
        allocate_rows(needs, supplies, min_lines)
    )
    assert shares_by_need(shuffled_needs, shuffled_supplies) == shares_by_need(needs, supplies)


@given(instances_with_minimum())
@settings(max_examples=100, deadline=None)
def test_without_supply_there_are_no_lines(instance: InstanceWithMinimum) -> None:
    needs, _, min_lines = instance
    assert lines(allocate_rows(needs, [], min_lines)) == []
    # Supply of an item nobody needs meets no need either.
    other_item = [Supply(pledge_id=1, item_id=99, quantity=10)]
    assert lines(allocate_rows(needs, other_item, min_lines)) == []


@given(instances().filter(lambda instance: bool(instance[0])))
@settings(max_examples=200, deadline=None)
def test_raising_a_weight_never_lowers_that_needs_fractional_share(instance: Instance) -> None:
    needs, supplies = instance
    favoured = needs[0]
    raised = favoured._replace(region_weight=min(100.0, favoured.region_weight * 2))
    before = shares_by_need(needs, supplies)
    after = shares_by_need([raised, *needs[1:]], supplies)
    assert after[favoured.need_id] >= before[favoured.need_id] * (1 - TOLERANCE)


# The minimum line (see "Minimum line" in minjian/aid/allocation.py)


def _minimum(min_lines: dict[int, int], item_id: int) -> int:
    return min_lines.get(item_id, 1)


@given(instances_with_minimum())
@settings(max_examples=300, deadline=None)
def test_no_line_is_below_the_minimum_but_a_whole_pledge_or_a_whole_need(
    instance: InstanceWithMinimum,
) -> None:
    needs, supplies, min_lines = instance
    need_by_id = {need.need_id: need for need in needs}
    supply_by_id = {supply.pledge_id: supply for supply in supplies}
    for line in lines(allocate_rows(needs, supplies, min_lines)):
        pledged = supply_by_id[line.pledge_id].quantity
        lacks = need_by_id[line.need_id].open_quantity
        assert line.quantity >= min(_minimum(min_lines, line.item_id), pledged, lacks)


@given(instances_with_minimum())
@settings(max_examples=300, deadline=None)
def test_a_small_pledge_is_not_scattered_into_many_small_lines(
    instance: InstanceWithMinimum,
) -> None:
    """A pledge of q gives at most q // m lines of m or more (one if it is smaller than
    2m), and what is left of it can still make a line of its own."""
    needs, supplies, min_lines = instance
    allocation = allocate_rows(needs, supplies, min_lines)
    for supply in supplies:
        minimum = _minimum(min_lines, supply.item_id)
        its_lines = [line for line in lines(allocation) if line.pledge_id == supply.pledge_id]
        assert sum(line.quantity >= minimum for line in its_lines) <= max(
            1, supply.quantity // minimum
        )
        left = supply.quantity - allocation.taken(supply.pledge_id)
        assert left in (0, supply.quantity) or left >= minimum


def _fill_order(needs: list[Need]) -> list[Need]:
    return sorted(needs, key=lambda need: (-weight(need), need.need_id))


def _prefix_sums(needs: list[Need], allocation: Allocation) -> list[int]:
    total, sums = 0, []
    for need in needs:
        total += allocation.given(need.need_id)
        sums.append(total)
    return sums


@given(instances_with_minimum())
@settings(max_examples=300, deadline=None)
def test_the_needs_ahead_never_hold_a_minimum_line_beyond_their_shares(
    instance: InstanceWithMinimum,
) -> None:
    """What the rule costs the lighter needs: taken together, the needs ahead of any need
    in the fill order get less than one minimum line more than their whole-unit shares
    (the allocation with no minimum)."""
    needs, supplies, min_lines = instance
    with_minimum = allocate_rows(needs, supplies, min_lines)
    shares = allocate_rows(needs, supplies)
    for item_id in {need.item_id for need in needs}:
        in_fill_order = _fill_order([need for need in needs if need.item_id == item_id])
        for got, share in zip(
            _prefix_sums(in_fill_order, with_minimum),
            _prefix_sums(in_fill_order, shares),
            strict=True,
        ):
            assert got < share + _minimum(min_lines, item_id)


@given(instances())
@settings(max_examples=150, deadline=None)
def test_a_minimum_of_one_unit_is_no_rule_at_all(instance: Instance) -> None:
    needs, supplies = instance
    items = {need.item_id for need in needs} | {supply.item_id for supply in supplies}
    assert lines(allocate_rows(needs, supplies, dict.fromkeys(items, 1))) == lines(
        allocate_rows(needs, supplies)
    )
