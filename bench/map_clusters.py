"""How fast the map answers for a view (GET /cases/map/features.json): clusters counted on
the zoom's grid, or the cases themselves, over a million cases, with and without the
list's filters and a search; against loading every case in the view and clustering
it in Python, the way a map without the grouped count would.

    python bench/map_clusters.py [--cases 1000000] [--reuse] [--repeats 3] ...

The database (PostgreSQL, `--database-url`, its name must hold 'bench') gets `--cases`
public cases from `bench/casedata.py` (30 % with a point, anywhere in a box around
mainland China), then a search document for each, written in bulk. With `--reuse`, one
already holding that many cases is kept. Views of 1280 × 800 pixels, at every zoom
from 3 to 16, over China's middle, five big cities and random places, are each asked
for under every filter of FILTERS through Django's test client (the view, its
middleware and the JSON: all the server does but the socket). Prints p50/p95 per band
of zooms and per filter at zooms 3 to 6, the largest answer, the ratio against the
loading baseline (and the grouped count where the answer reads the grid's tallies),
and the goal's line; every figure goes as JSON into bench/results/. A new database's
tallies are counted again after the bulk load, as after a restore.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import droppable_database, prepare_database, server_environment  # noqa: E402
from bench.report import machine, say_where, write_results  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/minjian_bench_map"
GOAL_MS = 200
GOAL_FEATURES = 500
ZOOMS = range(3, 17)
BANDS = ((3, 6), (7, 10), (11, 13), (14, 16))
# Where the map reads its grid's tallies (without a region or a search).
LOW_ZOOMS = (3, 6)
# A laptop's map: Leaflet's 256-pixel tiles at the zoom decide how much of the world it is.
VIEW_PIXELS = (1280, 800)
CENTRE_OF_CHINA = (35.0, 105.0)
CITIES = {
    "Beijing": (39.904, 116.407),
    "Shanghai": (31.230, 121.474),
    "Wuhan": (30.593, 114.305),
    "Chengdu": (30.573, 104.066),
    "Guangzhou": (23.129, 113.264),
}
RANDOM_PLACES = 3
FILTERS: tuple[dict[str, str], ...] = (
    {},
    {"topic": "environment"},
    {"state": "resolved"},
    {"region": "420000"},
    {"q": "排污"},
    {"q": "工资 拖欠"},
    {"topic": "labour", "q": "工资"},
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="how many cases")
    parser.add_argument("--reuse", action="store_true", help="keep a database of --cases cases")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each view")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated data")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--results-dir", type=Path, default=ROOT / "bench" / "results", help="where the JSON goes"
    )
    parser.set_defaults(redis_url="")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-bench-map-") as data_dir:
        os.environ.update(server_environment(args, Path(data_dir)))
        import django

        django.setup()
        data = prepare_database(args, database_name)
        load = os.getloadavg()
        rng = random.Random(args.seed)
        views = _views(rng)
        rows = [_measure(view, filters, args.repeats) for view in views for filters in FILTERS]
        baseline = [_baseline(view, {}) for view in _baseline_views(views)]
    bands = _bands(rows)
    report: dict[str, Any] = {
        "machine": machine(),
        "load_average_at_start": load,
        "load_average_at_end": os.getloadavg(),
        "data": data,
        "repeats": args.repeats,
        "bands": bands,
        "low_zooms_by_filter": _by_filter(rows, LOW_ZOOMS),
        "baseline": baseline,
        "views": rows,
    }
    worst_ms = max(band["p95_ms"] for band in bands)
    most = max(row["features"] for row in rows)
    holds = worst_ms < GOAL_MS and most <= GOAL_FEATURES
    report["goal"] = {"p95_max_ms": worst_ms, "features_max": most, "holds": holds}
    path = write_results(args.results_dir, "map_clusters", report)
    _print(report)
    print(
        f"GOAL map 1M: p95 max {worst_ms:.0f} ms, at most {most} features"
        f" (goal < {GOAL_MS} ms, a few hundred) {'holds' if holds else 'NOT MET'}"
    )
    say_where(path)
    return 0


def _bbox(centre: tuple[float, float], zoom: int) -> str:
    """The view of VIEW_PIXELS around `centre` on Leaflet's (Web Mercator) map at `zoom`."""
    latitude, longitude = centre
    world = 256 << zoom
    x = (longitude + 180) / 360 * world
    y = (
        (
            1
            - math.log(math.tan(math.radians(latitude)) + 1 / math.cos(math.radians(latitude)))
            / math.pi
        )
        / 2
        * world
    )
    width, height = VIEW_PIXELS

    def lng(px: float) -> float:
        return max(-180.0, min(180.0, px / world * 360 - 180))

    def lat(py: float) -> float:
        return max(
            -85.0, min(85.0, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / world)))))
        )

    west, east = lng(x - width / 2), lng(x + width / 2)
    south, north = lat(y + height / 2), lat(y - height / 2)
    return f"{west:.6f},{south:.6f},{east:.6f},{north:.6f}"


def _views(rng: random.Random) -> list[dict[str, Any]]:
    places = {"centre of China": CENTRE_OF_CHINA} | CITIES
    for number in range(RANDOM_PLACES):
        places[f"random {number + 1}"] = (rng.uniform(22, 44), rng.uniform(99, 122))
    return [
        {"place": name, "zoom": zoom, "bbox": _bbox(centre, zoom)}
        for zoom in ZOOMS
        for name, centre in places.items()
        # Below zoom 6 the cities' views are most of China: its middle stands for them.
        if zoom >= 6 or name == "centre of China"
    ]


def _measure(view: dict[str, Any], filters: dict[str, str], repeats: int) -> dict[str, Any]:
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    query = {"bbox": view["bbox"], "zoom": str(view["zoom"]), **filters}
    timings = []
    answer: dict[str, Any] = {}
    for _ in range(repeats):
        # Every answer computed, never the stored page (minjian/core/public_cache.py):
        # readers moving a map rarely ask for the very same view twice.
        cache.clear()
        started = time.perf_counter()
        response = client.get("/cases/map/features.json", query)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{query}: {response.status_code} {response.content[:300]!r}")
        answer = response.json()
    return view | {
        "filters": filters,
        "ms": [round(t, 2) for t in timings],
        "features": len(answer["clusters"]) + len(answer["cases"]),
        "cases_in_view": answer["total"],
    }


def _baseline_views(views: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A few views, from the widest to a city's: loading a million rows takes seconds."""
    return [
        v for v in views if v["place"] in ("centre of China", "Wuhan") and v["zoom"] in (4, 8, 12)
    ]


def _baseline(view: dict[str, Any], filters: dict[str, str]) -> dict[str, Any]:
    """Every public case with a point in the view loaded, and counted per cell in Python."""
    from minjian.cases.models import MAP_TALLY_SHIFT
    from minjian.cases.selectors import public_case_list
    from minjian.search import clustering
    from minjian.search.selectors import CaseFilters

    parsed = CaseFilters.parse(**filters)
    viewport = clustering.Viewport.parse(view["bbox"], str(view["zoom"]))
    started = time.perf_counter()
    grid = clustering.Grid.of(viewport)
    cases = public_case_list(topic=parsed.topic, region=parsed.region, state=parsed.state)
    cells: Counter[tuple[int, int]] = Counter()
    rows = (
        cases.select_related(None)
        .prefetch_related(None)
        .order_by()
        .filter(
            longitude__range=[_degrees(limit, 180) for limit in grid.limits()["grid_x__range"]],
            latitude__range=[_degrees(limit, 90) for limit in grid.limits()["grid_y__range"]],
        )
        .values_list("latitude", "longitude")
    )
    for latitude, longitude in rows.iterator(chunk_size=10_000):
        if latitude is None or longitude is None:
            continue
        cell = grid.cell_of(*clustering.grid_position(latitude, longitude))
        if cell is not None:
            cells[cell] += 1
    loading_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    features = clustering.map_features(parsed, viewport)
    answer_ms = (time.perf_counter() - started) * 1000
    # The grouped count over the cases' grid index, as the map counts where it has no
    # tallies: with their level set above any grid, it never reads them.
    with mock.patch.object(clustering, "MAP_TALLY_SHIFT", clustering.CELL_SHIFT_AT_ZOOM_0 + 10):
        started = time.perf_counter()
        grouped = clustering.map_features(parsed, viewport)
        grouped_ms = (time.perf_counter() - started) * 1000
    assert features.total == grouped.total == sum(cells.values()), "every way counts the same"
    return {
        "place": view["place"],
        "zoom": view["zoom"],
        "filters": filters,
        "tallied": grid.shift >= MAP_TALLY_SHIFT,
        "loading_ms": round(loading_ms, 1),
        "grouped_ms": round(grouped_ms, 1),
        "answer_ms": round(answer_ms, 1),
        "ratio": round(answer_ms / loading_ms, 4),
    }


def _degrees(grid: int, offset: int) -> Decimal:
    return Decimal(grid - offset * 1_000_000) / 1_000_000


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def _by_filter(rows: Sequence[dict[str, Any]], zooms: tuple[int, int]) -> list[dict[str, Any]]:
    """p50 and p95 of each set of filters over `zooms`."""
    low, high = zooms
    figures = []
    for filters in FILTERS:
        timings = [
            t
            for row in rows
            if low <= row["zoom"] <= high and row["filters"] == filters
            for t in row["ms"]
        ]
        figures.append(
            {
                "filters": filters,
                "requests": len(timings),
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(_percentile(timings, 0.95), 1),
            }
        )
    return figures


def _bands(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    bands = []
    for low, high in BANDS:
        for searched in (False, True):
            timings = [
                t
                for row in rows
                if low <= row["zoom"] <= high and ("q" in row["filters"]) == searched
                for t in row["ms"]
            ]
            features = [
                row["features"]
                for row in rows
                if low <= row["zoom"] <= high and ("q" in row["filters"]) == searched
            ]
            bands.append(
                {
                    "zooms": f"{low}-{high}",
                    "search": searched,
                    "requests": len(timings),
                    "p50_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(_percentile(timings, 0.95), 1),
                    "max_ms": round(max(timings), 1),
                    "features_max": max(features),
                }
            )
    return bands


def _print(report: dict[str, Any]) -> None:
    data = report["data"]
    print(
        f"\nThe map's features over {data['cases']:,} cases (PostgreSQL),"
        f" load average {report['load_average_at_start'][0]:.1f} at the start\n"
    )
    print("| zooms | with a search | requests | p50 ms | p95 ms | max ms | most features |")
    print("|---|---|---|---|---|---|---|")
    for band in report["bands"]:
        print(
            f"| {band['zooms']} | {'yes' if band['search'] else 'no'} | {band['requests']}"
            f" | {band['p50_ms']} | {band['p95_ms']} | {band['max_ms']} | {band['features_max']} |"
        )
    low, high = LOW_ZOOMS
    print(f"\nZooms {low} to {high}, by filters:\n")
    print("| filters | requests | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    for figure in report["low_zooms_by_filter"]:
        named = " ".join(f"{key}={value}" for key, value in figure["filters"].items()) or "none"
        print(f"| {named} | {figure['requests']} | {figure['p50_ms']} | {figure['p95_ms']} |")
    print(
        "\nAgainst loading every case in the view and counting per cell in Python"
        " (the answer reads the grid's tallies where marked, else it is the grouped count):\n"
    )
    print("| view | zoom | tallies | loading ms | grouped ms | answer ms | answer ÷ loading |")
    print("|---|---|---|---|---|---|---|")
    for row in report["baseline"]:
        print(
            f"| {row['place']} | {row['zoom']} | {'yes' if row['tallied'] else 'no'}"
            f" | {row['loading_ms']} | {row['grouped_ms']} | {row['answer_ms']} | {row['ratio']} |"
        )


if __name__ == "__main__":
    sys.exit(main())
