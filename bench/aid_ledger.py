"""The ledger page of an aid drive with 1,000 recipients: time to render and number of
queries, as ratios against a bare view measured in the same run.

    python bench/aid_ledger.py [--recipients 1000] [--repeat 15] [--database-url postgres://...]

1. Uses a fresh database: by default SQLite in a temporary folder (the embedded
   default); with `--database-url`, a PostgreSQL database that is dropped and
   created again (its name must contain "bench").
2. Builds one drive as `bench/casedata.py` does (`generate_drive`): `--recipients`
   verified hospitals in Wuhan's districts, each needing protective suits and surgical
   masks; pledges (accepted) covering about 60 % of the need; one allocation round
   (`drive_allocate`, so the real allocation runs over every need); one line in ten
   shipped, and of those two in three received, some short.
3. Measures, in the process, with Django's test client and the whole middleware
   stack: the bare view `/bench/bare/` (baseline), the drive page, the ledger page,
   and the ledger as CSV and HXL. Each is fetched once to warm up, then
   `--repeat` times; the median and the number of SQL queries are kept.
4. Prints a table (and Markdown for docs/benchmarks.md) and writes every figure as
   JSON into bench/results/.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import add_sqlite_or_postgres_options  # noqa: E402
from bench.report import machine, say_where, write_results  # noqa: E402


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Render time and queries of an aid drive's ledger, against a bare view."
    )
    parser.add_argument("--recipients", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=15)
    add_sqlite_or_postgres_options(parser)
    return parser.parse_args(argv)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    from bench.http_pages import _database_name, _recreate_database

    if args.database_url and "bench" not in _database_name(args.database_url):
        print("Give a database whose name contains 'bench': it is dropped.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-bench-aid-") as data_dir:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": args.database_url,
                "REDIS_URL": "",
                "MINJIAN_DATA_DIR": data_dir,
                "MINJIAN_PRODUCTION": "",
                "SECRET_KEY": secrets.token_urlsafe(50),
            }
        )
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        # The test client's host; the in-process cache is enough here.
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        if args.database_url:
            _recreate_database(args.database_url, _database_name(args.database_url))
        call_command("migrate", verbosity=0)
        started = time.monotonic()
        data = _build(args)
        data["seconds_to_build"] = round(time.monotonic() - started, 1)
        results = _measure(args, data["drive"])
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    about = machine(database=engine, load_average_at_start=load_at_start)
    report = {"machine": about, "data": data, "results": results}
    path = write_results(args.results_dir, "aid_ledger", report)
    _print(report)
    say_where(path)
    return 0


def _build(args: argparse.Namespace) -> dict[str, Any]:
    from bench.casedata import DRIVE_DISTRICTS, DRIVE_REGION, generate_drive
    from minjian.places.models import Region

    hubei = Region.objects.create(
        code="420000", name_zh="湖北省", name_en="Hubei", level=1, path="/420000/"
    )
    wuhan = Region.objects.create(
        code=DRIVE_REGION,
        name_zh="武汉市",
        name_en="Wuhan",
        level=2,
        parent=hubei,
        path=f"/420000/{DRIVE_REGION}/",
    )
    for code in DRIVE_DISTRICTS:
        Region.objects.create(
            code=code, name_zh=code, level=3, parent=wuhan, path=f"{wuhan.path}{code}/"
        )
    _say(f"Building a drive with {args.recipients} recipients ...")
    return generate_drive(recipients=args.recipients)


def _measure(args: argparse.Namespace, drive_id: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    pages = {
        "bare view (baseline)": "/bench/bare/",
        "drive page": f"/aid/{drive_id}/",
        "ledger page": f"/aid/{drive_id}/ledger/",
        "ledger.csv": f"/api/v1/drives/{drive_id}/ledger.csv",
        "ledger.hxl": f"/api/v1/drives/{drive_id}/ledger.hxl",
    }
    results: dict[str, Any] = {}
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        times = []
        # Counted by a wrapper on the connection: Django empties its own query log
        # at the start of every request.
        queries: list[str] = []

        with connection.execute_wrapper(partial(_count_query, queries)):
            client.get(url)
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        results[name] = {
            "url": url,
            "median_ms": round(1000 * statistics.median(times), 2),
            "min_ms": round(1000 * min(times), 2),
            "queries": len(queries),
            "bytes": len(b"".join(response) if response.streaming else response.content),
        }
    baseline = results["bare view (baseline)"]["median_ms"]
    for entry in results.values():
        entry["ratio_to_bare"] = round(entry["median_ms"] / baseline, 1)
    return results


def _count_query(
    queries: list[str], execute: Any, sql: str, params: Any, many: bool, context: Any
) -> Any:
    queries.append(sql)
    return execute(sql, params, many, context)


def _print(report: dict[str, Any]) -> None:
    data, results = report["data"], report["results"]
    print(
        f"\nAid drive with {data['recipients']} recipients, {data['needs']} needs, "
        f"{data['allocation_lines']} allocation lines, {data['shipments']} shipments, "
        f"{data['events']} events ({report['machine']['database']})\n"
    )
    print("| page | median | × bare view | queries | size |")
    print("|---|---:|---:|---:|---:|")
    for name, entry in results.items():
        print(
            f"| {name} | {entry['median_ms']:.1f} ms | {entry['ratio_to_bare']:.1f} | "
            f"{entry['queries']} | {entry['bytes'] // 1024} KB |"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
