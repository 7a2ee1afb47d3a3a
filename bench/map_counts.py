"""How fast the map's choropleth counts the cases per region, over many cases, as a ratio
against loading every matching case's region and counting in Python.

    python bench/map_counts.py [--cases 1000000] [--reuse] [--repeats 10] ...

The database is the search benchmark's (bench/search.py: PostgreSQL, China's regions,
`--cases` public cases with their search documents; with `--reuse`, one left by an
earlier run of either with the same number of cases is kept). Each filter of FILTERS
is counted per province and per prefecture through the selector `/cases/map/counts.json`
uses (`minjian.search.selectors.case_counts_by_region`), with the cache emptied before
each run (what the first map of every COUNTS_CACHE_SECONDS pays), then the way a map
without it would: every matching case's region read, and counted in Python. p50 and p95
of each, their ratio, and every figure as JSON into bench/results/.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import add_database_options, droppable_database  # noqa: E402
from bench.report import machine, say_where, write_results  # noqa: E402
from bench.search import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    _postgres_version,
    _prepare_database,
    _summary,
)

# The filters of the list the map is counted under: none, each kind alone, and all of them.
FILTERS: tuple[dict[str, str], ...] = (
    {},
    {"topic": "environment"},
    {"state": "published"},
    {"q": "排污"},
    {"region": "420000"},
    {"region": "420000", "topic": "labour", "q": "工资"},
)
LEVELS = (1, 2)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="how many cases")
    parser.add_argument("--repeats", type=int, default=10, help="timed runs of each count")
    parser.add_argument(
        "--loading-repeats", type=int, default=3, help="timed runs of each loading baseline"
    )
    add_database_options(parser, database_url=DEFAULT_DATABASE_URL, seed=20261122)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-bench-map-") as data_dir:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": args.database_url,
                "REDIS_URL": "",
                "MINJIAN_DATA_DIR": data_dir,
                "MINJIAN_PRODUCTION": "",
                "MINJIAN_DEBUG": "",
                "SECRET_KEY": "bench-map-not-secret",
            }
        )
        import django

        django.setup()
        data = _prepare_database(args, database_name)
        rows = [_measure(filters, level, args) for filters in FILTERS for level in LEVELS]
    report = {
        "machine": machine(postgresql=_postgres_version()),
        "data": data,
        "repeats": args.repeats,
        "loading_repeats": args.loading_repeats,
        "counts": rows,
    }
    path = write_results(args.results_dir, "map_counts", report)
    _print_table(rows, data)
    say_where(path)
    return 0


def _measure(filters: dict[str, str], level: int, args: argparse.Namespace) -> dict[str, Any]:
    from django.core.cache import cache

    from minjian.search import selectors

    parsed = selectors.CaseFilters.parse(**filters)
    grouped_ms, loading_ms = [], []
    counts = selectors.case_counts_by_region(parsed, level)  # warm the database's own cache
    for _ in range(args.repeats):
        cache.clear()
        started = time.perf_counter()
        counts = selectors.case_counts_by_region(parsed, level)
        grouped_ms.append((time.perf_counter() - started) * 1000)
    for _ in range(args.loading_repeats):
        started = time.perf_counter()
        loaded = _count_by_loading(parsed, level)
        loading_ms.append((time.perf_counter() - started) * 1000)
    assert loaded == counts.by_region, "both ways must count the same"
    return {
        "filters": filters,
        "level": level,
        "cases": counts.total,
        "regions": len(counts.by_region),
        "grouped": _summary(grouped_ms),
        "loading": _summary(loading_ms),
        "grouped_ms": grouped_ms,
        "loading_ms": loading_ms,
    }


def _count_by_loading(filters: Any, level: int) -> dict[str, int]:
    """What a map without the grouped query would do: read each matching case's region."""
    from minjian.cases.selectors import public_case_list
    from minjian.places.models import Region
    from minjian.search import selectors

    codes = set(Region.objects.filter(level=level).values_list("code", flat=True))
    cases = public_case_list(topic=filters.topic, region=filters.region, state=filters.state)
    if filters.terms:
        cases = selectors.holding(cases, filters.terms)
    paths = cases.prefetch_related(None).order_by().values_list("region__path")
    found: Counter[str] = Counter()
    for (path,) in paths.iterator(chunk_size=10_000):
        code = next((code for code in path.split("/") if code in codes), None)
        if code is not None:
            found[code] += 1
    return dict(found)


def _print_table(rows: Sequence[dict[str, Any]], data: dict[str, Any]) -> None:
    print(f"\nThe map's counts per region over {data['cases']:,} cases (PostgreSQL)\n")
    print("| filters | level | cases | grouped p50 ms | p95 | loading p50 ms | p95 | ratio p95 |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        filters = " ".join(f"{k}={v}" for k, v in row["filters"].items()) or "none"
        grouped, loading = row["grouped"], row["loading"]
        print(
            f"| {filters} | {row['level']} | {row['cases']:,} | {grouped['p50_ms']:.1f}"
            f" | {grouped['p95_ms']:.1f} | {loading['p50_ms']:.1f} | {loading['p95_ms']:.1f}"
            f" | {grouped['p95_ms'] / loading['p95_ms']:.3f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
