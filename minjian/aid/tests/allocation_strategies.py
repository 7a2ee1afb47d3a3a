"""Hypothesis strategies for random allocation instances (minjian/aid/allocation.py)."""

from __future__ import annotations

from hypothesis import strategies as st

from minjian.aid.allocation import (
    REGION_WEIGHT_MAX,
    REGION_WEIGHT_MIN,
    NeedInput,
    Priority,
    SupplyInput,
)

Instance = tuple[list[NeedInput], list[SupplyInput]]
# An instance with the organisers' minimum line per item (item id → units).
InstanceWithMinimum = tuple[list[NeedInput], list[SupplyInput], dict[int, int]]

priorities = st.sampled_from(list(Priority))
met_shares = st.one_of(st.sampled_from([0.0, 0.12, 0.5, 1.0]), st.floats(0.0, 1.0))
region_weights = st.one_of(
    st.just(1.0), st.floats(REGION_WEIGHT_MIN, REGION_WEIGHT_MAX), st.sampled_from([0.5, 2.0])
)
# Mostly small quantities, where ties and rounding matter, sometimes large ones.
quantities = st.one_of(st.integers(1, 12), st.integers(1, 10**6))
small_quantities = st.integers(1, 30)
# One unit (the default), small lots where rounding and ties matter, a box of 50.
minimum_lines = st.one_of(st.just(1), st.integers(2, 12), st.sampled_from([50, 100]))


@st.composite
def needs(
    draw: st.DrawFn,
    *,
    item_ids: list[int],
    max_size: int = 12,
    open_quantities: st.SearchStrategy[int] = quantities,
) -> list[NeedInput]:
    need_ids = draw(st.lists(st.integers(1, 10**6), min_size=0, max_size=max_size, unique=True))
    return [
        NeedInput(
            need_id=need_id,
            recipient_id=draw(st.integers(1, 5)),
            item_id=draw(st.sampled_from(item_ids)),
            open_quantity=draw(open_quantities),
            priority=draw(priorities),
            met_share=draw(met_shares),
            region_weight=draw(region_weights),
        )
        for need_id in need_ids
    ]


@st.composite
def supplies(draw: st.DrawFn, *, item_ids: list[int], max_size: int = 6) -> list[SupplyInput]:
    pledge_ids = draw(st.lists(st.integers(1, 10**6), min_size=0, max_size=max_size, unique=True))
    return [
        SupplyInput(
            pledge_id=pledge_id,
            item_id=draw(st.sampled_from(item_ids)),
            quantity=draw(quantities),
        )
        for pledge_id in pledge_ids
    ]


@st.composite
def instances(draw: st.DrawFn, *, max_needs: int = 12, max_pledges: int = 6) -> Instance:
    """Needs and supplies over one to three items (ids 1..3; an item may have only one side)."""
    item_ids = list(range(1, draw(st.integers(1, 3)) + 1))
    return (
        draw(needs(item_ids=item_ids, max_size=max_needs)),
        draw(supplies(item_ids=item_ids, max_size=max_pledges)),
    )


@st.composite
def instances_with_minimum(draw: st.DrawFn) -> InstanceWithMinimum:
    """An instance and a minimum line for each of its items (some left at the default)."""
    needs_drawn, supplies_drawn = draw(instances())
    items = {need.item_id for need in needs_drawn} | {supply.item_id for supply in supplies_drawn}
    named = draw(st.lists(st.sampled_from(sorted(items)), unique=True)) if items else []
    return needs_drawn, supplies_drawn, {item_id: draw(minimum_lines) for item_id in named}
