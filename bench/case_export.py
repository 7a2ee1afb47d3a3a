"""How long every public case takes to download as CSV, and what it holds in memory.

    python bench/case_export.py [--cases 1000000] [--reuse] ...

1. Makes the PostgreSQL database of `bench/http_pages.py` hold `--cases` generated cases
   (`bench/casedata.py`; `--reuse` keeps one that already does).
2. Downloads `/cases/export.csv` (every public case, in Chinese) through Django's whole
   stack in this process (after one county's download, to warm it up), reading the answer
   piece by piece as a client would; notes the time to the first piece, the whole time,
   the bytes and rows, and how far the process's memory (resident set, read after each
   piece) rose above what it was before the download.
3. The baseline, in the same run: PostgreSQL's own `COPY ... TO STDOUT (FORMAT csv)` of the
   same columns of the same cases, read through psycopg: the floor of any export.

Prints the figures, the ratio export / COPY, and the goal (every case in under two minutes,
`GOAL_SECONDS`); writes them as JSON into bench/results/.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    droppable_database,
    prepare_database,
    server_environment,
)
from bench.report import machine, say_where, write_results  # noqa: E402

GOAL_SECONDS = 120.0
# One county's cases.
WARM_UP = "/cases/export.csv?region=340321"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
COPY_SQL = """
COPY (
    SELECT c.id, c.title, c.description, t.slug, r.code, r.name_zh, c.state, c.published_at,
           c.latitude, c.longitude
    FROM cases_case c
    JOIN topics_topic t ON t.id = c.topic_id
    JOIN places_region r ON r.id = c.region_id
    WHERE c.state IN ({states})
    ORDER BY c.id
) TO STDOUT (FORMAT csv, HEADER)
"""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Every public case as CSV: time and memory.")
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to generate")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated data")
    parser.add_argument(
        "--database-url", default=DEFAULT_DATABASE_URL, help="its name must contain 'bench'"
    )
    parser.add_argument("--reuse", action="store_true", help="keep a database of --cases cases")
    parser.add_argument(
        "--results-dir", type=Path, default=ROOT / "bench" / "results", help="where the JSON goes"
    )
    # What bench/http_pages.py's server environment reads.
    parser.set_defaults(redis_url="")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-export-") as data_dir:
        os.environ.update(server_environment(args, Path(data_dir)))
        import django

        django.setup()
        data = prepare_database(args, database_name)
        from minjian.cases.models import Case

        public = Case.objects.filter(state__in=Case.PUBLIC_STATES).count()
        copied = _copy_baseline()
        exported = _export()
    seconds = float(exported["seconds"])
    report: dict[str, Any] = {
        "machine": machine(),
        "data": data,
        "export": exported,
        "copy": copied,
        "ratio_to_copy": round(seconds / float(copied["seconds"]), 2),
        "goal_seconds": GOAL_SECONDS,
        "public_cases": public,
        "goal_holds": seconds < GOAL_SECONDS and exported["rows"] == public,
    }
    path = write_results(args.results_dir, "case_export", report)
    _print(report)
    say_where(path)
    return 0


def _export() -> dict[str, Any]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # A first, small download loads what every request needs once (translations, URLs),
    # so that neither the time nor the memory below counts it.
    for _piece in client.get(WARM_UP).streaming_content:  # type: ignore[attr-defined]  # a streamed answer
        pass
    resident_before = highest = _resident_bytes()
    started = time.perf_counter()
    response = client.get("/cases/export.csv")
    assert response.status_code == 200, response.status_code
    first_piece = None
    size = lines = 0
    for piece in response.streaming_content:  # type: ignore[attr-defined]  # a streamed answer
        if first_piece is None:
            first_piece = time.perf_counter() - started
        size += len(piece)
        lines += piece.count(b"\r\n")
        highest = max(highest, _resident_bytes())
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "first_piece_seconds": round(first_piece or 0.0, 3),
        "megabytes": round(size / 2**20, 1),
        # Lines end with CRLF; the generated texts hold no line break of their own.
        "rows": lines - 1,
        "peak_memory_growth_mib": round((highest - resident_before) / 2**20, 1),
    }


def _resident_bytes() -> int:
    # The second field of /proc/self/statm: resident pages.
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE_SIZE


def _copy_baseline() -> dict[str, Any]:
    from django.db import connection

    from minjian.cases.models import Case

    states = ", ".join(f"'{state}'" for state in Case.PUBLIC_STATES)
    started = time.perf_counter()
    size = lines = 0
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        with raw.copy(COPY_SQL.format(states=states)) as copy:
            for block in copy:
                size += len(block)
                lines += bytes(block).count(b"\n")
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "megabytes": round(size / 2**20, 1),
        "rows": lines - 1,
    }


def _print(report: dict[str, Any]) -> None:
    exported, copied = report["export"], report["copy"]
    print(
        f"\n| measure | figure |\n|---|--:|\n"
        f"| public cases | {report['public_cases']:,} |\n"
        f"| rows exported | {exported['rows']:,} |\n"
        f"| /cases/export.csv | {exported['seconds']} s, {exported['megabytes']} MB |\n"
        f"| its first piece | {exported['first_piece_seconds']} s |\n"
        f"| peak memory growth while streaming | {exported['peak_memory_growth_mib']} MiB |\n"
        f"| COPY of the same columns (baseline) | {copied['seconds']} s, "
        f"{copied['megabytes']} MB |\n"
        f"| ratio export / COPY | {report['ratio_to_copy']} |\n"
    )
    print(
        f"GOAL case export: {report['public_cases']:,} cases in {exported['seconds']} s, "
        f"{exported['peak_memory_growth_mib']} MiB memory growth (goal < {GOAL_SECONDS:.0f} s, "
        "constant memory) " + ("holds" if report["goal_holds"] else "NOT MET")
    )


if __name__ == "__main__":
    sys.exit(main())
