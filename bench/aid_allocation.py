"""How fast fair allocation runs, against SciPy's HiGHS solving the same objective as an LP.

    python bench/aid_allocation.py [--pledges 5000] [--needs 10000] [--items 50] [--rounds 7]

1. Generates a seeded random drive: `--needs` open needs of 2,000 recipients in 30 regions
   (priorities 20 % urgent, 30 % high, 50 % normal; each recipient's share already met
   uniform in 0..1; region weights from 0.5 to 3), and `--pledges` pledges, spread over
   `--items` items. Each item's supply is a random 30 % to 130 % of its demand, so most items
   are short (where the water level matters) and some have more than enough.
2. Times `minjian.aid.allocation.allocate` on it: validation, weights, water-filling per
   item, rounding to whole units and the pledge-to-need lines, from the inputs to the
   `Allocation`; and `fair_shares`, which stops at the fractional shares, the LP's output.
3. Times the baseline, the same objective as a linear programme solved by SciPy's HiGHS
   (`linprog(method="highs")`): per item i, minimise the water level t_i subject to
   x_n ≤ w_n·t_i, 0 ≤ x_n ≤ d_n and Σ x_n = min(S_i, Σ d_n). Its unique optimum is the
   weighted lexicographic max-min allocation (the levels of all needs not met are then
   equal to t_i, and each met need is at its demand), so it gives the same x_n and t_i as
   water-filling; the tests check the module against the full progressive-filling
   sequence of LPs, too slow to time at this size. The baseline is timed in two forms, one
   LP per item and one block LP over all items (minimise Σ t_i), each from the same inputs
   (weights and sparse matrices built in the timing); the ratio is taken against the
   faster. It yields fractional shares only: no rounding, no lines.
4. Compares the objective: each item's level t_i and each need's fractional share, module
   against LP; the run fails if they differ by more than 1e-6 (relative to the value, for
   values above 1).

Both are timed `--rounds` times, alternating; the figures are the best round, on CPU time
(process time), which other work on a shared machine disturbs far less than wall time.
Prints the figures and the Markdown rows for docs/benchmarks.md and writes them as JSON
into bench/results/.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import scipy
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine  # noqa: E402
from minjian.aid.allocation import (  # noqa: E402
    NeedInput,
    Priority,
    SupplyInput,
    allocate,
    fair_shares,
    need_weight,
    water_level,
)

RESULTS = ROOT / "bench" / "results"
SEED = 20261122
RECIPIENTS = 2000
REGION_WEIGHTS = [0.5, 1.0, 1.0, 1.0, 1.5, 2.0, 3.0]
REGIONS = 30
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Drive:
    needs: list[NeedInput]
    supplies: list[SupplyInput]


def generate(needs: int, pledges: int, items: int, seed: int) -> Drive:
    rng = random.Random(seed)
    region_weight = [rng.choice(REGION_WEIGHTS) for _ in range(REGIONS)]
    recipients = [(rng.randrange(REGIONS), round(rng.random(), 4)) for _ in range(RECIPIENTS)]
    need_rows = []
    demand: dict[int, int] = defaultdict(int)
    for need_id in rng.sample(range(1, needs * 10), needs):
        recipient_id = rng.randrange(RECIPIENTS)
        region, met_share = recipients[recipient_id]
        item_id = rng.randrange(items)
        quantity = max(1, int(rng.lognormvariate(3.5, 1.0)))
        demand[item_id] += quantity
        need_rows.append(
            NeedInput(
                need_id=need_id,
                recipient_id=recipient_id,
                item_id=item_id,
                open_quantity=quantity,
                priority=rng.choices(list(Priority), weights=[20, 30, 50])[0],
                met_share=met_share,
                region_weight=region_weight[region],
            )
        )
    pledge_items = [rng.randrange(items) for _ in range(pledges)]
    pledges_per_item = defaultdict(int, {item: pledge_items.count(item) for item in range(items)})
    scarcity = {item: rng.uniform(0.3, 1.3) for item in range(items)}
    supply_rows = []
    for pledge_id, item_id in zip(
        rng.sample(range(1, pledges * 10), pledges), pledge_items, strict=True
    ):
        mean = max(1.0, scarcity[item_id] * demand[item_id] / pledges_per_item[item_id])
        supply_rows.append(
            SupplyInput(
                pledge_id=pledge_id,
                item_id=item_id,
                quantity=rng.randint(1, max(1, round(2 * mean) - 1)),
            )
        )
    return Drive(needs=need_rows, supplies=supply_rows)


@dataclass(frozen=True)
class Solution:
    levels: dict[int, float]  # item id -> water level t
    shares: dict[int, float]  # need id -> fractional share x


@dataclass(frozen=True)
class ItemProblem:
    item_id: int
    need_ids: list[int]
    demands: np.ndarray
    weights: np.ndarray
    target: int  # min(S, Σ d)


def _item_problems(drive: Drive) -> list[ItemProblem]:
    needs_by_item: dict[int, list[NeedInput]] = defaultdict(list)
    for need in drive.needs:
        needs_by_item[need.item_id].append(need)
    supply: dict[int, int] = defaultdict(int)
    for pledge in drive.supplies:
        supply[pledge.item_id] += pledge.quantity
    problems = []
    for item_id in sorted(needs_by_item.keys() & supply.keys()):
        item_needs = needs_by_item[item_id]
        demands = np.array([need.open_quantity for need in item_needs], dtype=float)
        problems.append(
            ItemProblem(
                item_id=item_id,
                need_ids=[need.need_id for need in item_needs],
                demands=demands,
                weights=np.array([need_weight(need) for need in item_needs]),
                target=min(supply[item_id], int(demands.sum())),
            )
        )
    return problems


def _min_level_lp(
    problems: Sequence[ItemProblem],
) -> tuple[np.ndarray, list[tuple[float, float | None]], Any, np.ndarray, Any, np.ndarray]:
    """The LP over (x of every need of these items, then t per item), as linprog's inputs."""
    sizes = [len(problem.need_ids) for problem in problems]
    needs = sum(sizes)
    level_columns = needs + np.arange(len(problems))
    need_rows = np.arange(needs)
    item_of_need = np.repeat(np.arange(len(problems)), sizes)
    weights = np.concatenate([problem.weights for problem in problems])
    # x_n - w_n t_i <= 0
    upper = coo_matrix(
        (
            np.concatenate([np.ones(needs), -weights]),
            (
                np.concatenate([need_rows, need_rows]),
                np.concatenate([need_rows, level_columns[item_of_need]]),
            ),
        ),
        shape=(needs, needs + len(problems)),
    ).tocsr()
    # Σ_{n of item i} x_n = min(S_i, Σ d)
    equal = coo_matrix(
        (np.ones(needs), (item_of_need, need_rows)), shape=(len(problems), needs + len(problems))
    ).tocsr()
    objective = np.concatenate([np.zeros(needs), np.ones(len(problems))])
    bounds: list[tuple[float, float | None]] = [
        (0.0, float(demand)) for problem in problems for demand in problem.demands
    ] + [(0.0, None)] * len(problems)
    targets = np.array([problem.target for problem in problems])
    return objective, bounds, upper, np.zeros(needs), equal, targets


def _solve_min_level(problems: Sequence[ItemProblem]) -> Solution:
    objective, bounds, upper, upper_limits, equal, targets = _min_level_lp(problems)
    result = linprog(
        objective,
        A_ub=upper,
        b_ub=upper_limits,
        A_eq=equal,
        b_eq=targets,
        bounds=bounds,
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"HiGHS failed: {result.message}")
    needs = len(bounds) - len(problems)
    shares = {
        need_id: float(result.x[index])
        for index, need_id in enumerate(
            need_id for problem in problems for need_id in problem.need_ids
        )
    }
    levels = {
        problem.item_id: float(result.x[needs + index]) for index, problem in enumerate(problems)
    }
    return Solution(levels=levels, shares=shares)


def lp_per_item(drive: Drive) -> Solution:
    levels: dict[int, float] = {}
    shares: dict[int, float] = {}
    for problem in _item_problems(drive):
        solution = _solve_min_level([problem])
        levels.update(solution.levels)
        shares.update(solution.shares)
    return Solution(levels=levels, shares=shares)


def lp_block(drive: Drive) -> Solution:
    return _solve_min_level(_item_problems(drive))


LP_FORMS: dict[str, Callable[[Drive], Solution]] = {
    "LP per item": lp_per_item,
    "LP, all items in one": lp_block,
}


def module_solution(drive: Drive) -> Solution:
    """The module's own fractional shares and levels, for the comparison (not timed)."""
    levels = {
        problem.item_id: water_level(
            [int(demand) for demand in problem.demands], list(problem.weights), problem.target
        )
        for problem in _item_problems(drive)
    }
    return Solution(levels=levels, shares=fair_shares(drive.needs, drive.supplies))


def differences(ours: Solution, lp: Solution) -> tuple[float, float]:
    """The largest difference in level and in share, relative to the value above 1."""

    def gap(a: float, b: float) -> float:
        return abs(a - b) / max(1.0, abs(b))

    level_gap = max(gap(ours.levels[item], level) for item, level in lp.levels.items())
    share_gap = max(gap(ours.shares[need], share) for need, share in lp.shares.items())
    return level_gap, share_gap


def best_times(
    runs: dict[str, Callable[[], object]], rounds: int
) -> dict[str, tuple[float, float]]:
    """Best CPU and wall seconds of each run over `rounds` alternating rounds."""
    best: dict[str, tuple[float, float]] = {name: (float("inf"), float("inf")) for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            best[name] = (min(best[name][0], cpu), min(best[name][1], wall))
    return best


def about_machine() -> dict[str, Any]:
    return machine(scipy=scipy.__version__, numpy=np.__version__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pledges", type=int, default=5000)
    parser.add_argument("--needs", type=int, default=10000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds of each")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    drive = generate(args.needs, args.pledges, args.items, args.seed)
    problems = _item_problems(drive)
    short = sum(problem.target < problem.demands.sum() for problem in problems)
    print(
        f"{len(drive.needs)} needs, {len(drive.supplies)} pledges, {len(problems)} items "
        f"({short} short of supply), seed {args.seed}"
    )

    allocation = allocate(drive.needs, drive.supplies)
    ours = module_solution(drive)
    gaps = {name: differences(ours, solve(drive)) for name, solve in LP_FORMS.items()}
    for name, (level_gap, share_gap) in gaps.items():
        print(f"objective vs {name}: levels differ by {level_gap:.1e}, shares by {share_gap:.1e}")

    def run_allocate() -> object:
        return allocate(drive.needs, drive.supplies)

    def run_fair_shares() -> object:
        return fair_shares(drive.needs, drive.supplies)

    runs: dict[str, Callable[[], object]] = {
        "allocate": run_allocate,
        "fair_shares": run_fair_shares,
    }
    for name, solve in LP_FORMS.items():
        runs[name] = partial(solve, drive)
    times = best_times(runs, args.rounds)
    baseline = min(LP_FORMS, key=lambda name: times[name][0])
    ratio = times[baseline][0] / times["allocate"][0]
    rows = [
        "| run | CPU ms | wall ms | × faster than the LP |",
        "|---|--:|--:|--:|",
    ]
    for name, (cpu, wall) in times.items():
        rows.append(
            f"| {name} | {cpu * 1000:.1f} | {wall * 1000:.1f} | {times[baseline][0] / cpu:.1f} |"
        )
    print("\n".join(rows))
    matches = all(max(gap) <= TOLERANCE for gap in gaps.values())
    print(
        f"\nallocate() is {ratio:.1f}x faster than the faster LP ({baseline}) on CPU time "
        f"(goal: at least 10x); objective {'equal' if matches else 'NOT equal'} to {TOLERANCE}; "
        f"{len(allocation.lines)} lines."
    )

    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    result_file = RESULTS / f"aid_allocation-{stamp}.json"
    result_file.write_text(
        json.dumps(
            {
                "machine": about_machine(),
                "arguments": vars(args),
                "date": datetime.now().astimezone().isoformat(timespec="seconds"),
                "items": len(problems),
                "items_short": int(short),
                "lines": len(allocation.lines),
                "seconds": {
                    name: {"cpu": cpu, "wall": wall} for name, (cpu, wall) in times.items()
                },
                "baseline": baseline,
                "ratio": ratio,
                "objective_gaps": {
                    name: {"level": level, "share": share} for name, (level, share) in gaps.items()
                },
                "objective_equal": matches,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"Written to {result_file.relative_to(ROOT)}")
    return 0 if matches else 1


if __name__ == "__main__":
    sys.exit(main())
