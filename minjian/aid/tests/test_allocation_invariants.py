"""Invariants of the fair allocation, on random instances (hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from minjian.aid.allocation import (
    NeedInput,
    SupplyInput,
    allocate,
    fair_shares,
    need_weight,
)
from minjian.aid.tests.allocation_strategies import Instance, instances

TOLERANCE = 1e-9


def _supply_by_item(supplies: list[SupplyInput]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for supply in supplies:
        totals[supply.item_id] += supply.quantity
    return totals


def _demand_by_item(needs: list[NeedInput]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for need in needs:
        totals[need.item_id] += need.open_quantity
    return totals


@given(instances())
@settings(max_examples=150, deadline=None)
def test_no_need_gets_more_than_it_asks_and_no_pledge_gives_more_than_it_has(
    instance: Instance,
) -> None:
    needs, supplies = instance
    allocation = allocate(needs, supplies)
    for need in needs:
        assert allocation.given(need.need_id) <= need.open_quantity
    for supply in supplies:
        assert allocation.taken(supply.pledge_id) <= supply.quantity
    assert all(line.quantity > 0 for line in allocation.lines)


@given(instances())
@settings(max_examples=150, deadline=None)
def test_each_item_hands_out_exactly_the_smaller_of_supply_and_demand(instance: Instance) -> None:
    needs, supplies = instance
    allocation = allocate(needs, supplies)
    supply = _supply_by_item(supplies)
    demand = _demand_by_item(needs)
    for item_id in supply.keys() | demand.keys():
        assert allocation.allocated_by_item.get(item_id, 0) == min(
            supply.get(item_id, 0), demand.get(item_id, 0)
        )


@given(instances())
@settings(max_examples=150, deadline=None)
def test_lines_join_a_need_and_a_pledge_of_the_same_item(instance: Instance) -> None:
    needs, supplies = instance
    need_by_id = {need.need_id: need for need in needs}
    supply_by_id = {supply.pledge_id: supply for supply in supplies}
    for line in allocate(needs, supplies).lines:
        need = need_by_id[line.need_id]
        assert line.item_id == need.item_id == supply_by_id[line.pledge_id].item_id
        assert line.recipient_id == need.recipient_id
        assert line.weight == need_weight(need)
        assert line.explanation.priority is need.priority
        assert line.explanation.met_share == need.met_share
        assert line.explanation.region_weight == need.region_weight


@given(instances())
@settings(max_examples=150, deadline=None)
def test_whole_units_stay_within_one_unit_of_the_fractional_share(instance: Instance) -> None:
    needs, supplies = instance
    allocation = allocate(needs, supplies)
    shares = fair_shares(needs, supplies)
    for need in needs:
        assert abs(allocation.given(need.need_id) - shares[need.need_id]) < 1


@given(instances())
@settings(max_examples=150, deadline=None)
def test_fractional_shares_fill_to_the_smaller_of_supply_and_demand(instance: Instance) -> None:
    needs, supplies = instance
    shares = fair_shares(needs, supplies)
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
    shares = fair_shares(needs, supplies)
    supplied_items = _supply_by_item(supplies).keys()
    levels_by_item: dict[int, list[float]] = defaultdict(list)
    for need in needs:
        levels_by_item[need.item_id].append(shares[need.need_id] / need_weight(need))
    for need in needs:
        if need.item_id not in supplied_items:
            continue
        share = shares[need.need_id]
        if share < need.open_quantity - TOLERANCE * need.open_quantity:
            top = max(levels_by_item[need.item_id])
            assert share / need_weight(need) >= top * (1 - TOLERANCE)


@given(instances())
@settings(max_examples=150, deadline=None)
def test_higher_weight_and_no_smaller_need_never_gets_less(instance: Instance) -> None:
    needs, supplies = instance
    shares = fair_shares(needs, supplies)
    for first in needs:
        for second in needs:
            if (
                first.item_id == second.item_id
                and need_weight(first) >= need_weight(second)
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
    more = [*supplies, SupplyInput(pledge_id=pledge_id, item_id=item_id, quantity=extra)]
    before = fair_shares(needs, supplies)
    after = fair_shares(needs, more)
    for need in needs:
        assert after[need.need_id] >= before[need.need_id] * (1 - TOLERANCE)


@given(instances(), st.data())
@settings(max_examples=150, deadline=None)
def test_the_same_input_in_any_order_gives_the_same_allocation(
    instance: Instance, data: st.DataObject
) -> None:
    needs, supplies = instance
    shuffled_needs = data.draw(st.permutations(needs))
    shuffled_supplies = data.draw(st.permutations(supplies))
    assert allocate(shuffled_needs, shuffled_supplies) == allocate(needs, supplies)
    assert fair_shares(shuffled_needs, shuffled_supplies) == fair_shares(needs, supplies)


@given(instances())
@settings(max_examples=100, deadline=None)
def test_without_supply_there_are_no_lines(instance: Instance) -> None:
    needs, _ = instance
    assert allocate(needs, []).lines == ()
    # Supply of an item nobody needs meets no need either.
    other_item = [SupplyInput(pledge_id=1, item_id=99, quantity=10)]
    assert allocate(needs, other_item).lines == ()


@given(instances().filter(lambda instance: bool(instance[0])))
@settings(max_examples=200, deadline=None)
def test_raising_a_weight_never_lowers_that_needs_fractional_share(instance: Instance) -> None:
    needs, supplies = instance
    favoured = needs[0]
    raised = replace(favoured, region_weight=min(100.0, favoured.region_weight * 2))
    before = fair_shares(needs, supplies)
    after = fair_shares([raised, *needs[1:]], supplies)
    assert after[favoured.need_id] >= before[favoured.need_id] * (1 - TOLERANCE)
