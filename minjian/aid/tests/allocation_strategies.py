"""Allocation instances as rows, one per need or pledge, for examples and properties to read
well, turned into the columns `allocate` takes (minjian/aid/allocation.py); and hypothesis
strategies for random ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st

from minjian.aid.allocation import (
    PRIORITIES,
    PRIORITY_CODE,
    REGION_WEIGHT_MAX,
    REGION_WEIGHT_MIN,
    Allocation,
    NeedColumns,
    Priority,
    SupplyColumns,
    allocate,
    fair_shares,
    need_weights,
)


class Need(NamedTuple):
    need_id: int
    recipient_id: int
    item_id: int
    open_quantity: int
    priority: Priority
    met_share: float
    region_weight: float = 1.0


class Supply(NamedTuple):
    pledge_id: int
    item_id: int
    quantity: int


class Line(NamedTuple):
    """One line of an `Allocation`, read back as a row."""

    need_id: int
    pledge_id: int
    item_id: int
    recipient_id: int
    quantity: int
    weight: float
    priority: Priority
    met_share: float
    region_weight: float


def need_columns(needs: Sequence[Need]) -> NeedColumns:
    return NeedColumns(
        need_id=np.array([need.need_id for need in needs], dtype=np.int64),
        recipient_id=np.array([need.recipient_id for need in needs], dtype=np.int64),
        item_id=np.array([need.item_id for need in needs], dtype=np.int64),
        open_quantity=np.array([need.open_quantity for need in needs], dtype=np.int64),
        priority=np.array([PRIORITY_CODE[need.priority] for need in needs], dtype=np.int64),
        met_share=np.array([need.met_share for need in needs], dtype=np.float64),
        region_weight=np.array([need.region_weight for need in needs], dtype=np.float64),
    )


def supply_columns(supplies: Sequence[Supply]) -> SupplyColumns:
    return SupplyColumns(
        pledge_id=np.array([supply.pledge_id for supply in supplies], dtype=np.int64),
        item_id=np.array([supply.item_id for supply in supplies], dtype=np.int64),
        quantity=np.array([supply.quantity for supply in supplies], dtype=np.int64),
    )


def allocate_rows(
    needs: Sequence[Need], supplies: Sequence[Supply], min_lines: Mapping[int, int] | None = None
) -> Allocation:
    return allocate(need_columns(needs), supply_columns(supplies), min_lines)


def lines(allocation: Allocation) -> list[Line]:
    return [
        Line(need, pledge, item, recipient, quantity, line_weight, PRIORITIES[code], met, region)
        for need, pledge, item, recipient, quantity, line_weight, code, met, region in zip(
            allocation.need_id.tolist(),
            allocation.pledge_id.tolist(),
            allocation.item_id.tolist(),
            allocation.recipient_id.tolist(),
            allocation.quantity.tolist(),
            allocation.weight.tolist(),
            allocation.priority.tolist(),
            allocation.met_share.tolist(),
            allocation.region_weight.tolist(),
            strict=True,
        )
    ]


def shares_by_need(needs: Sequence[Need], supplies: Sequence[Supply]) -> dict[int, float]:
    shares = fair_shares(need_columns(needs), supply_columns(supplies))
    return dict(zip([need.need_id for need in needs], shares.tolist(), strict=True))


def weight(need: Need) -> float:
    return float(need_weights(need_columns([need]))[0])


Instance = tuple[list[Need], list[Supply]]
# An instance with the organisers' minimum line per item (item id → units).
InstanceWithMinimum = tuple[list[Need], list[Supply], dict[int, int]]

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
) -> list[Need]:
    need_ids = draw(st.lists(st.integers(1, 10**6), min_size=0, max_size=max_size, unique=True))
    return [
        Need(
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
def supplies(draw: st.DrawFn, *, item_ids: list[int], max_size: int = 6) -> list[Supply]:
    pledge_ids = draw(st.lists(st.integers(1, 10**6), min_size=0, max_size=max_size, unique=True))
    return [
        Supply(
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
