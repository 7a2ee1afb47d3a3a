"""Fair allocation of accepted supply to open needs: weighted max-min fairness (water-filling).

NumPy, no Django: the aid services turn rows into the inputs below, call `allocate`, and
store and render what it returns.

Interface
---------
The inputs and the result are columns (NumPy arrays, one entry per need, pledge or line),
not an object per row: at ten thousand needs, reading the fields of as many objects and
building as many line objects took longer than the arithmetic (see bench/aid_allocation.py).
The aid selectors build the columns straight from database rows.

- `NeedColumns(need_id, recipient_id, item_id, open_quantity, priority, met_share,
  region_weight)`: the needs still open, entry i of each array being need i.
  `open_quantity` (whole units, 1..MAX_QUANTITY) is what is still to be met; `priority` is
  the index of the need's priority in `PRIORITIES` (`PRIORITY_CODE[priority]`);
  `met_share` (0..1) is the share of this recipient's total need already met before this
  round; `region_weight` (REGION_WEIGHT_MIN..REGION_WEIGHT_MAX) is set by the organisers
  to favour places that aid reaches last.
- `SupplyColumns(pledge_id, item_id, quantity)`: accepted, un-earmarked supply not yet
  allocated (whole units, 1..MAX_QUANTITY).
- `allocate(needs, supplies, min_lines=None) -> Allocation`: one entry per line in each of
  `Allocation.need_id`, `.pledge_id`, `.item_id`, `.recipient_id`, `.quantity`, `.weight`
  and the need's `.priority`, `.met_share`, `.region_weight` (why it got its share);
  `.given_by_need`, `.taken_by_pledge` and `.allocated_by_item` sum them. `min_lines`
  maps an item id to the smallest line the organisers want of it (1..MAX_QUANTITY; an
  item not named: 1, see "Minimum line").
- `Explanation(priority, met_share, region_weight)` is data, not text: the aid app renders
  it in the reader's language ("urgent; 12% met before this round"; `met_percent` is the
  share as a whole percentage).
- `need_weights(needs)` are the weights below; `fair_shares(needs, supplies)` the
  fractional allocation before rounding, in the needs' order; `water_level(demands,
  weights, supply)` the level `t`.
- Invalid input raises `TypeError` (a column that is not a one-dimensional array of its
  kind: floats for quantities) or `ValueError` (a value out of range, columns of
  different lengths, an id given twice).

Items are independent: supply of an item only meets needs for that item.

Weights
-------
    w_n = PRIORITY_FACTOR[priority] × (2 − met_share) × region_weight

Priority factors are urgent 4, high 2, normal 1. The underserved factor `2 − met_share` runs
from 2 (nothing of the recipient's need met yet) down to 1 (all of it met): a recipient
that has had nothing fills twice as fast as one that has had everything, and a fully met
recipient still gets a share of a new need (a factor `1 − met_share` would give it
nothing at all, whatever the need's priority). Since the underserved factor spans at most
one doubling and each priority step is one doubling, at equal region weight a need is never
weighted below a need of lower priority: an urgent need of a well-served recipient weighs
at least as much as a high one of a recipient that has had nothing. The region weight is
the organisers' lever and multiplies the rest.

Water-filling (per item)
------------------------
With demands d_n (open quantities), weights w_n and supply S, the fractional allocation is

    x_n = min(d_n, w_n · t),  with the level t chosen so that Σ x_n = min(S, Σ d_n).

Every need rises at a speed proportional to its weight until it is met or the supply runs
out. This is the weighted max-min fair allocation: among all allocations with
0 ≤ x_n ≤ d_n and Σ x_n ≤ S it maximises lexicographically the vector of levels x_n / w_n
sorted in increasing order (no need can get more without taking from a need whose level is
already no higher). It is unique. `t` is computed exactly, not by iteration: sort the needs
by the level at which they are met, r_n = d_n / w_n; if the k needs with the lowest r are
met and the others are not, t = (S − Σ_{met} d) / Σ_{not met} w, and the right k is the first
one for which that t is at most the next r. O(n log n) for the sort, O(n) after.

Whole units
-----------
Each need gets ⌊x_n⌋, then the units left over (min(S, Σ d) − Σ ⌊x_n⌋, fewer than the number of
needs with a fractional part) go one by one to the needs with the largest fractional part
x_n − ⌊x_n⌋, ties broken by the lower level ⌊x_n⌋ / w_n, then the lower need id. So each need
gets within one unit of x_n, never more than d_n, and each item hands out exactly
min(S, Σ d_n) units.

Lines
-----
Per item, pledges in increasing pledge id fill needs in order of decreasing weight, then
increasing need id: each line is (pledge, need, quantity > 0), and a pledge never gives more
than its quantity. Lines come ordered by item id, then by that need order, then pledge id.

Minimum line
------------
Cut as above, a pledge of 7 can end up as lines of 1, 2 and 4 to three hospitals: three
parcels for seven suits. The organisers set a minimum line m per item (by default 1, one
unit, which is how the item is shipped: "a box of 50 masks is one box"). With m > 1 the
needs, in the same fill order, take their whole-unit shares u_n from the pledges in id
order under three rules:

1. A line is at least min(m, q_p, d_n), with q_p the pledge's quantity and d_n the need's
   open quantity: below m only a whole pledge, or a whole need in one line.
2. A pledge is split only where what stays of it is at least m, so that it can still make
   a line of its own: after a round a pledge is untouched, used up, or has m or more left.
   So a pledge of q gives at most ⌊q/m⌋ lines of m or more (one if q < 2m), besides
   whole small needs.
3. Within these, a need takes from each pledge the amount nearest to what it still lacks
   of its share (never more than it lacks in all; on a tie, the smaller amount, and
   nothing rather than as much too many as too few), and skips a pledge it cannot take
   from. What a need ends above or below its share is carried to the next one: each
   need aims at the running total of the shares so far.

Consequences: every amount taken above a share is below m, so the needs ahead of any need
in the fill order never hold m or more units beyond their shares together (the lighter
needs lose less than one minimum line to the rule); supply that no need can take under
rules 1 and 2 (a pledge of 70 with m = 50 when every need lacks less than 70) is not
allocated and waits for the next round, shown in the ledger as not yet allocated. With
m = 1 the rules are the plain cutting above, exactly.

Determinism: every order above is total and follows ids, so the same needs and supplies in
any order give the same lines.

Computation
-----------
NumPy, all items at once: the needs, sorted by item then need id, form one array in which
each item is a segment, and every step above is a handful of array operations over all
segments (sorts, cumulative sums, `reduceat`). The lines come from laying each item's units
end to end: the needs in fill order cut that run into their shares, the pledges in id order
into theirs, and each piece between two cuts is one line. Items with a minimum line above
one unit are cut by a loop in Python instead (`_cut_with_minimum`), which looks at each
need's pledges one by one: O(needs × pledges) of the item at worst, for a rule drives set
on a few items.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"


PRIORITY_FACTOR: Mapping[Priority, float] = {
    Priority.URGENT: 4.0,
    Priority.HIGH: 2.0,
    Priority.NORMAL: 1.0,
}
# A need's priority in the columns: its index in PRIORITIES.
PRIORITIES = tuple(Priority)
PRIORITY_CODE: Mapping[Priority, int] = {priority: code for code, priority in enumerate(PRIORITIES)}
# Bounds that keep the arithmetic far from float rounding: levels d/w and sums of up to
# millions of quantities stay exact to well under a unit.
MAX_QUANTITY = 10**9
REGION_WEIGHT_MIN = 0.01
REGION_WEIGHT_MAX = 100.0

# The computation runs on NumPy arrays, all items at once: each item is a segment of
# consecutive entries. A pure Python version took about three times as long on the
# benchmark (bench/aid_allocation.py).
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
_FACTOR_BY_CODE = np.array([PRIORITY_FACTOR[priority] for priority in PRIORITIES])


def _check_columns(columns: object, kinds: Mapping[str, str]) -> None:
    """Each field a one-dimensional array of its kind ("i" whole numbers, "f" floats),
    all of one length; whole numbers are made int64 and floats float64."""
    length = None
    for name, kind in kinds.items():
        column = getattr(columns, name)
        if not isinstance(column, np.ndarray) or column.ndim != 1:
            raise TypeError(f"{name} must be a one-dimensional NumPy array")
        if column.dtype.kind not in ("iu" if kind == "i" else "iuf"):
            wanted_kind = "ints" if kind == "i" else "numbers"
            raise TypeError(f"{name} must be an array of {wanted_kind}, not {column.dtype}")
        wanted = np.int64 if kind == "i" else np.float64
        if column.dtype != wanted:
            object.__setattr__(columns, name, column.astype(wanted))
        if length is None:
            length = len(column)
        elif len(column) != length:
            raise ValueError(f"{name} has {len(column)} entries, not {length} as the others")


def _check_quantity(name: str, value: int, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not minimum <= value <= MAX_QUANTITY:
        raise ValueError(f"{name} must be between {minimum} and {MAX_QUANTITY}, not {value}")


def _check_range(name: str, column: Ints | Floats, low: float, high: float) -> None:
    # Written so that NaN fails too.
    outside = ~((column >= low) & (column <= high))
    if outside.any():
        raise ValueError(f"{name} must be between {low} and {high}, not {column[outside][0]}")


def _check_unique(name: str, ids: Ints) -> None:
    ordered = np.sort(ids)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if len(repeated):
        raise ValueError(f"{name} {repeated[0]} appears more than once")


@dataclass(frozen=True, eq=False)
class NeedColumns:
    """The open needs, entry i of every array being need i (see "Interface")."""

    need_id: Ints
    recipient_id: Ints
    item_id: Ints
    open_quantity: Ints
    priority: Ints
    met_share: Floats
    region_weight: Floats

    def __post_init__(self) -> None:
        _check_columns(
            self,
            {
                **dict.fromkeys(
                    ("need_id", "recipient_id", "item_id", "open_quantity", "priority"), "i"
                ),
                **dict.fromkeys(("met_share", "region_weight"), "f"),
            },
        )
        _check_unique("need_id", self.need_id)
        _check_range("open_quantity", self.open_quantity, 1, MAX_QUANTITY)
        _check_range("priority", self.priority, 0, len(PRIORITIES) - 1)
        _check_range("met_share", self.met_share, 0.0, 1.0)
        _check_range("region_weight", self.region_weight, REGION_WEIGHT_MIN, REGION_WEIGHT_MAX)

    def __len__(self) -> int:
        return len(self.need_id)


@dataclass(frozen=True, eq=False)
class SupplyColumns:
    """The supply to share, entry i of every array being pledge i (see "Interface")."""

    pledge_id: Ints
    item_id: Ints
    quantity: Ints

    def __post_init__(self) -> None:
        _check_columns(self, dict.fromkeys(("pledge_id", "item_id", "quantity"), "i"))
        _check_unique("pledge_id", self.pledge_id)
        _check_range("quantity", self.quantity, 1, MAX_QUANTITY)

    def __len__(self) -> int:
        return len(self.pledge_id)


class Explanation(NamedTuple):
    """Why a need got its share: the inputs of its weight, for the aid app to render."""

    priority: Priority
    met_share: float
    region_weight: float

    @property
    def met_percent(self) -> int:
        """The share met before this round as a whole percentage, rounded half up."""
        return math.floor(self.met_share * 100 + 0.5)


@dataclass(frozen=True, eq=False)
class Allocation:
    """The lines, entry i of every array being line i: so much of one pledge to one need,
    with the need's recipient, weight and the inputs of its weight (see "Lines")."""

    need_id: Ints
    pledge_id: Ints
    item_id: Ints
    recipient_id: Ints
    quantity: Ints
    weight: Floats
    priority: Ints
    met_share: Floats
    region_weight: Floats

    def __len__(self) -> int:
        return len(self.need_id)

    @cached_property
    def given_by_need(self) -> Mapping[int, int]:
        return _sum_by(self.need_id, self.quantity)

    @cached_property
    def taken_by_pledge(self) -> Mapping[int, int]:
        return _sum_by(self.pledge_id, self.quantity)

    @cached_property
    def allocated_by_item(self) -> Mapping[int, int]:
        return _sum_by(self.item_id, self.quantity)

    def given(self, need_id: int) -> int:
        """Units this need gets in this round (0 if none)."""
        return self.given_by_need.get(need_id, 0)

    def taken(self, pledge_id: int) -> int:
        """Units of this pledge handed out in this round (0 if none)."""
        return self.taken_by_pledge.get(pledge_id, 0)


def _sum_by(keys: Ints, quantities: Ints) -> dict[int, int]:
    unique, position = np.unique(keys, return_inverse=True)
    totals = np.zeros(len(unique), dtype=np.int64)
    np.add.at(totals, position, quantities)
    return dict(zip(unique.tolist(), totals.tolist(), strict=True))


def need_weights(needs: NeedColumns) -> Floats:
    """w = priority factor × (2 − met_share) × region weight (see the module docstring)."""
    weights: Floats = (
        _FACTOR_BY_CODE[needs.priority] * (2.0 - needs.met_share) * needs.region_weight
    )
    return weights


def _segment_starts(segment: Ints) -> Ints:
    """Where each segment begins in a sorted array of segment numbers 0, 0, 1, 2, 2, ..."""
    return np.flatnonzero(np.diff(segment, prepend=-1))


def _levels(segment: Ints, demand: Ints, weight: Floats, supply: Ints) -> Floats:
    """The water level t of each segment (see the module docstring), exactly: not iterated.

    `segment` is sorted; every segment has at least one need.
    """
    met_level = demand / weight
    # By segment, then by the level at which each need is met; ties keep the given order.
    order = np.lexsort((met_level, segment))
    segment, demand, weight, met_level = (
        segment[order],
        demand[order],
        weight[order],
        met_level[order],
    )
    starts = _segment_starts(segment)
    # Before entry j of a segment: the demand of the needs met below its level, and the
    # weight of those still rising (j and after).
    demand_before = np.cumsum(demand) - demand
    demand_before -= demand_before[starts][segment]
    weight_before = np.cumsum(weight) - weight
    weight_before -= weight_before[starts][segment]
    rising_weight = np.add.reduceat(weight, starts)[segment] - weight_before
    # What the needs would take at entry j's level; it grows with j. The level lies at or
    # below the first entry where that reaches the supply.
    filled = demand_before + met_level * rising_weight
    below = np.add.reduceat((filled < supply[segment]).astype(np.int64), starts)
    ends = np.append(starts[1:], len(segment))
    first = np.minimum(starts + below, ends - 1)
    level = (supply - demand_before[first]) / rising_weight[first]
    # A segment whose supply covers every need: the level at which the last one is met.
    covered = supply >= np.add.reduceat(demand, starts)
    levels: Floats = np.where(covered, met_level[ends - 1], level)
    return levels


def _shares(segment: Ints, demand: Ints, weight: Floats, supply: Ints) -> Floats:
    """x_n = min(d_n, w_n·t), and exactly d_n where the supply covers the whole segment."""
    level = _levels(segment, demand, weight, supply)[segment]
    covered = (supply >= np.add.reduceat(demand, _segment_starts(segment)))[segment]
    shares: Floats = np.where(covered, demand, np.minimum(demand, weight * level))
    return shares


def water_level(demands: Sequence[int], weights: Sequence[float], supply: int) -> float:
    """The level t with Σ min(d_n, w_n·t) = min(supply, Σ d_n) for one item; weights > 0.

    When the supply covers every demand, t is the level at which the last need is met.
    """
    if not demands:
        return 0.0
    single = np.zeros(len(demands), dtype=np.int64)
    return float(
        _levels(
            single,
            np.array(demands, dtype=np.int64),
            np.array(weights, dtype=np.float64),
            np.array([supply], dtype=np.int64),
        )[0]
    )


@dataclass(frozen=True)
class _Problem:
    """The needs and pledges of the items that have both, in a canonical order: by item
    id, then need id (pledge id), whatever order they came in. Segment i of the needs and
    of the pledges is item `item_ids[i]`; `need_position` and `pledge_position` say where
    each entry is in the input columns."""

    item_ids: Ints
    need_position: Ints
    need_segment: Ints
    demand: Ints
    weight: Floats
    pledge_position: Ints
    pledge_segment: Ints
    pledge_quantity: Ints
    supply: Ints  # per segment


def _canonical_order(ids: Ints, item: Ints, item_ids: Ints) -> Ints:
    """The positions of the entries whose item is in `item_ids`, by item id, then id."""
    kept = np.flatnonzero(np.isin(item, item_ids, kind="sort"))
    by_item_then_id: Ints = kept[np.lexsort((ids[kept], item[kept]))]
    return by_item_then_id


def _problem(needs: NeedColumns, supplies: SupplyColumns) -> _Problem:
    item_ids = np.intersect1d(needs.item_id, supplies.item_id)
    need_position = _canonical_order(needs.need_id, needs.item_id, item_ids)
    pledge_position = _canonical_order(supplies.pledge_id, supplies.item_id, item_ids)
    pledge_segment = np.searchsorted(item_ids, supplies.item_id[pledge_position])
    pledge_quantity = supplies.quantity[pledge_position]
    return _Problem(
        item_ids=item_ids,
        need_position=need_position,
        need_segment=np.searchsorted(item_ids, needs.item_id[need_position]),
        demand=needs.open_quantity[need_position],
        weight=need_weights(needs)[need_position],
        pledge_position=pledge_position,
        pledge_segment=pledge_segment,
        pledge_quantity=pledge_quantity,
        supply=np.add.reduceat(pledge_quantity, _segment_starts(pledge_segment))
        if len(pledge_quantity)
        else pledge_quantity,
    )


def fair_shares(needs: NeedColumns, supplies: SupplyColumns) -> Floats:
    """The fractional water-filling allocation x_n before rounding, entry i being need i's.

    Needs of an item without supply get 0.
    """
    shares = np.zeros(len(needs))
    problem = _problem(needs, supplies)
    if len(problem.need_position):
        shares[problem.need_position] = _shares(
            problem.need_segment, problem.demand, problem.weight, problem.supply
        )
    return shares


def _units(problem: _Problem) -> Ints:
    """Whole units per need, in the problem's order (see "Whole units" in the docstring)."""
    segment, demand, weight = problem.need_segment, problem.demand, problem.weight
    x = _shares(segment, demand, weight, problem.supply)
    units = np.floor(x).astype(np.int64)  # at most d_n: x_n <= d_n and d_n is whole
    starts = _segment_starts(segment)
    total = np.minimum(problem.supply, np.add.reduceat(demand, starts))
    left_over = total - np.add.reduceat(units, starts)
    open_needs = np.flatnonzero(units < demand)
    # By segment, then largest remainder, lower level, lower need id: lexsort is stable,
    # so the last ties keep the problem's order, which is by need id.
    ranked = open_needs[
        np.lexsort(
            (
                units[open_needs] / weight[open_needs],
                units[open_needs] - x[open_needs],
                segment[open_needs],
            )
        )
    ]
    ranked_segment = segment[ranked]
    rank = np.arange(len(ranked)) - np.searchsorted(ranked_segment, ranked_segment)
    units[ranked[rank < left_over[ranked_segment]]] += 1
    return units


# Pieces of supply: need positions, pledge positions (in the problem's order), quantities.
Pieces = tuple[Ints, Ints, Ints]


def allocate(
    needs: NeedColumns,
    supplies: SupplyColumns,
    min_lines: Mapping[int, int] | None = None,
) -> Allocation:
    """Allocate the supplies to the needs, item by item (see the module docstring);
    `min_lines` gives an item's minimum line (1 for an item it does not name)."""
    problem = _problem(needs, supplies)
    minimums = _minimums(problem.item_ids, min_lines or {})
    nothing = np.zeros(0, dtype=np.int64)
    line_need, line_pledge, quantity = (
        _pieces(problem, minimums) if len(problem.need_position) else (nothing,) * 3
    )
    need = problem.need_position[line_need]
    return Allocation(
        need_id=needs.need_id[need],
        pledge_id=supplies.pledge_id[problem.pledge_position[line_pledge]],
        item_id=needs.item_id[need],
        recipient_id=needs.recipient_id[need],
        quantity=quantity,
        weight=problem.weight[line_need],
        priority=needs.priority[need],
        met_share=needs.met_share[need],
        region_weight=needs.region_weight[need],
    )


def _pieces(problem: _Problem, minimums: Ints) -> Pieces:
    """The lines: cut to the unit, then the items with a minimum line cut again."""
    units = _units(problem)
    free_cut = _cut(problem, units)
    if (minimums == 1).all():
        return free_cut
    return _with_minimum_lines(problem, units, free_cut, minimums)


def _with_minimum_lines(problem: _Problem, units: Ints, free_cut: Pieces, minimums: Ints) -> Pieces:
    """The free cut's pieces of the items whose minimum line is one unit, and the other
    items cut again under their minimum, in item order."""
    cut_freely = minimums == 1
    kept = cut_freely[problem.need_segment[free_cut[0]]]
    needs, pledges, quantities = [free_cut[0][kept]], [free_cut[1][kept]], [free_cut[2][kept]]
    for segment in np.flatnonzero(~cut_freely).tolist():
        need, pledge, quantity = _cut_with_minimum(problem, units, segment, int(minimums[segment]))
        needs.append(need)
        pledges.append(pledge)
        quantities.append(quantity)
    line_need = np.concatenate(needs)
    # Back to item order; within an item each cut is already in its line order.
    by_item = np.argsort(problem.need_segment[line_need], kind="stable")
    return line_need[by_item], np.concatenate(pledges)[by_item], np.concatenate(quantities)[by_item]


def _minimums(item_ids: Ints, min_lines: Mapping[int, int]) -> Ints:
    """The minimum line of each item of the problem (segment order), each checked."""
    for item_id, minimum in min_lines.items():
        _check_quantity(f"min_lines[{item_id}]", minimum, minimum=1)
    minimums: Ints = np.array(
        [min_lines.get(item_id, 1) for item_id in item_ids.tolist()], dtype=np.int64
    )
    return minimums


def _cut(problem: _Problem, units: Ints) -> Pieces:
    """Every item's units laid end to end: the needs in fill order (heaviest first, then
    lower need id) cut that line into their shares, the pledges in pledge id order into
    theirs (capped at what the item hands out). Each piece between two cuts is one line,
    from one pledge to one need."""
    segment, weight = problem.need_segment, problem.weight
    fill = np.lexsort((-weight, segment))  # stable: equal weights keep need id order
    fill = fill[units[fill] > 0]
    need_end = np.cumsum(units[fill])
    handed_out = np.add.reduceat(units, _segment_starts(segment))
    item_start = np.cumsum(handed_out) - handed_out
    pledge_segment = problem.pledge_segment
    pledge_end = np.cumsum(problem.pledge_quantity)
    pledge_end -= (pledge_end - problem.pledge_quantity)[_segment_starts(pledge_segment)][
        pledge_segment
    ]
    pledge_end = item_start[pledge_segment] + np.minimum(pledge_end, handed_out[pledge_segment])
    cuts = np.sort(np.concatenate((need_end, pledge_end)))
    cuts = cuts[np.diff(cuts, prepend=0) > 0]  # every cut is above 0; keep each once
    piece_start = np.concatenate(([0], cuts[:-1]))
    line_need = fill[np.searchsorted(need_end, piece_start, side="right")]
    line_pledge = np.searchsorted(pledge_end, piece_start, side="right")
    quantity: Ints = cuts - piece_start
    return line_need, line_pledge, quantity


def _cut_with_minimum(problem: _Problem, units: Ints, segment: int, minimum: int) -> Pieces:
    """One item's lines under a minimum line above one unit (see "Minimum line")."""
    needs = np.flatnonzero(problem.need_segment == segment)
    # Fill order; lexsort is stable, so equal weights keep the problem's need id order.
    fill = needs[np.lexsort((-problem.weight[needs],))].tolist()
    pledges = np.flatnonzero(problem.pledge_segment == segment).tolist()
    quantities = problem.pledge_quantity[pledges].tolist()
    left = list(quantities)
    share, demand = units.tolist(), problem.demand.tolist()
    # No pledge gives less than min(m, its quantity, the need's): below half of that, a
    # need is nearer its share with nothing.
    smallest = min(minimum, min(quantities))
    line_need: list[int] = []
    line_pledge: list[int] = []
    line_quantity: list[int] = []
    shares_so_far = given = first = 0
    for need in fill:
        shares_so_far += share[need]
        lacks = demand[need]
        got = 0
        for index in range(first, len(pledges)):
            want = min(shares_so_far - given - got, lacks - got)
            if 2 * want <= min(smallest, lacks):
                break
            if not left[index]:
                continue
            taken = _piece(
                want=want,
                left=left[index],
                pledged=quantities[index],
                lacks=lacks,
                room=lacks - got,
                minimum=minimum,
            )
            if taken:
                line_need.append(need)
                line_pledge.append(pledges[index])
                line_quantity.append(taken)
                left[index] -= taken
                got += taken
        given += got
        while first < len(pledges) and not left[first]:
            first += 1
    return (
        np.array(line_need, dtype=np.int64),
        np.array(line_pledge, dtype=np.int64),
        np.array(line_quantity, dtype=np.int64),
    )


def _piece(*, want: int, left: int, pledged: int, lacks: int, room: int, minimum: int) -> int:
    """How much a need that wants `want` more (and has `room` for) takes from a pledge of
    `pledged` with `left` still to give: the amount nearest `want` that keeps rules 1 and
    2 of "Minimum line", or 0 when taking nothing is as near."""
    smallest_line = min(minimum, pledged, lacks)
    best, off_by = 0, want
    largest_split = min(left - minimum, room)  # leaves at least `minimum` of the pledge
    if smallest_line <= largest_split:
        split = min(max(want, smallest_line), largest_split)
        if abs(want - split) < off_by:
            best, off_by = split, abs(want - split)
    if smallest_line <= left <= room and abs(want - left) < off_by:
        best = left
    return best
